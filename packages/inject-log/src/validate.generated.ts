// generated from packages/inject-log/schema/inject-log.schema.json by packages/inject-log/scripts/generate.mjs (ajv standalone) — do not edit.
// @ts-nocheck
"use strict";
export const validate = validate10;
export default validate10;
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://roar.dev/schema/inject-log/v1.json","title":"InjectLog","description":"One shard of a roar job: what one Python process (the workload, a subprocess, a multiprocessing or torchrun worker) reports about itself, written by the sitecustomize shim at exit and read by the CLI. This file is the single source of truth: the TypeScript types and the Python writer's field list are generated from it. The schema version is the number in $id (v1); readers keep fields they do not know (additionalProperties), so adding an optional field with a default is not a breaking change.","type":"object","additionalProperties":true,"required":["schema_version","pid","ppid","argv","executable","python_version","python_implementation","abi","prefix","base_prefix","virtual_env","started_at","ended_at","files","packages","capture"],"properties":{"schema_version":{"type":"integer","minimum":1,"description":"Version of this schema the writer used."},"job_id":{"type":["string","null"],"default":null,"description":"ROAR_JOB_ID the process inherited."},"pid":{"type":"integer","description":"os.getpid() of the process that wrote this shard."},"ppid":{"type":"integer","description":"os.getppid() when the shim started; links the shard to its parent's shard."},"argv":{"type":"array","items":{"type":"string"},"description":"sys.argv of the process (as Python saw it; sys.orig_argv when available)."},"cwd":{"type":["string","null"],"default":null,"description":"Working directory when the shim started."},"executable":{"type":"string","description":"sys.executable."},"python_version":{"type":"string","description":"platform.python_version(), e.g. 3.12.1."},"python_implementation":{"type":"string","description":"platform.python_implementation(), e.g. CPython, PyPy."},"abi":{"title":"Abi","description":"The ABI of the interpreter that really ran, as the traced process itself sees it.","type":"object","additionalProperties":true,"required":["abi_tag","ext_suffix","gil_disabled"],"properties":{"abi_tag":{"type":"string","description":"Wheel-style ABI tag: cp312, cp313t, cp312d, pypy310_pp73."},"ext_suffix":{"type":"string","description":"sysconfig EXT_SUFFIX."},"extension_suffixes":{"type":"array","items":{"type":"string"},"default":[],"description":"importlib.machinery.EXTENSION_SUFFIXES."},"soabi":{"type":["string","null"],"default":null,"description":"sysconfig SOABI, e.g. cpython-312-x86_64-linux-gnu."},"cache_tag":{"type":["string","null"],"default":null,"description":"sys.implementation.cache_tag, e.g. cpython-312 (the same for 3.13 and 3.13t)."},"gil_disabled":{"type":"boolean","description":"Free-threaded build (Py_GIL_DISABLED)."},"debug":{"type":"boolean","default":false,"description":"Debug build (abiflags contain d)."},"platform":{"type":["string","null"],"default":null,"description":"sys.platform."},"machine":{"type":["string","null"],"default":null,"description":"platform.machine()."}}},"prefix":{"type":"string","description":"sys.prefix."},"base_prefix":{"type":"string","description":"sys.base_prefix."},"virtual_env":{"type":"boolean","description":"sys.prefix != sys.base_prefix."},"started_at":{"type":"number","description":"Unix time (seconds) when the shim started in this process."},"ended_at":{"type":"number","description":"Unix time (seconds) when the shard was written."},"exit":{"title":"ExitStatus","description":"How the process ended; null when the shim could not tell.","type":["object","null"],"default":null,"additionalProperties":true,"required":["how"],"properties":{"how":{"title":"ExitHow","type":"string","enum":["exit","exception","os_exit","signal","exec","unknown"],"description":"exit: normal interpreter exit or sys.exit; exception: uncaught exception; os_exit: os._exit; signal: killed by a handled signal; exec: replaced by os.exec* (a new image may write another shard with the same pid)."},"code":{"type":["integer","null"],"default":null,"description":"Exit status, or the signal number when how is signal."}}},"files":{"type":"array","description":"File events the audit hook saw, deduplicated per (op, path, dest), first-seen order.","items":{"title":"FileEvent","type":"object","additionalProperties":true,"required":["op","path"],"properties":{"op":{"title":"FileOp","type":"string","enum":["read","write","readwrite","rename","delete","mkdir","rmdir"]},"path":{"type":"string","description":"Absolute, normalised (not symlink-resolved) path."},"dest":{"type":["string","null"],"default":null,"description":"Destination of a rename."},"count":{"type":"integer","minimum":1,"default":1,"description":"How many times this event was seen."}}}},"spawned":{"type":"array","default":[],"description":"Processes this one started (subprocess.Popen, os.system, os.posix_spawn, os.exec*).","items":{"title":"SpawnedProcess","type":"object","additionalProperties":true,"required":["event"],"properties":{"event":{"type":"string","description":"Audit event name, e.g. subprocess.Popen, os.system, os.posix_spawn, os.exec."},"executable":{"type":["string","null"],"default":null},"argv":{"type":["array","null"],"items":{"type":"string"},"default":null}}}},"packages":{"type":"array","description":"Distributions the workload imported (never every installed one, never roar's own).","items":{"title":"PackageRef","type":"object","additionalProperties":true,"required":["name","version"],"properties":{"name":{"type":"string","description":"Distribution name as its metadata spells it."},"version":{"type":"string","description":"Distribution version from its metadata."}}}},"capture":{"title":"Capture","description":"How this process's events were captured, and what went wrong capturing them.","type":"object","additionalProperties":true,"required":["audit_backend","gate"],"properties":{"audit_backend":{"title":"AuditBackend","type":"string","enum":["native","python","none"],"description":"native: the compiled roar-runtime hook; python: the pure-Python hook; none: no hook installed."},"gate":{"title":"Gate","description":"Outcome of checking that a compiled runtime with this interpreter's extension suffix was present before importing it.","type":"object","additionalProperties":true,"required":["outcome"],"properties":{"outcome":{"title":"GateOutcome","type":"string","enum":["native","no-runtime","abi-mismatch","import-error","shadowed","disabled"]},"reason":{"type":["string","null"],"default":null,"description":"Why the gate did not choose the native path, in words a user can act on."}}},"runtime_expected":{"type":"boolean","default":false,"description":"ROAR_RUNTIME_EXPECTED=1 was set: the CLI expected the native fast path."},"runtime_path":{"type":["string","null"],"default":null,"description":"Runtime tree the gate used, if any."},"sys_path_skipped":{"type":"array","items":{"type":"string"},"default":[],"description":"ROAR_RUNTIME_PYTHONPATH entries not put on sys.path, with why."},"events_dropped":{"type":"integer","minimum":0,"default":0,"description":"Events not recorded (e.g. over a size cap); non-zero means the file list is incomplete."},"errors":{"type":"array","default":[],"description":"Failures inside the shim, recorded instead of raised.","items":{"title":"CaptureError","type":"object","additionalProperties":true,"required":["where","message"],"properties":{"where":{"type":"string"},"message":{"type":"string"}}}}}}}};

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://roar.dev/schema/inject-log/v1.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.job_id === undefined){
data.job_id = null;
}
if(data.cwd === undefined){
data.cwd = null;
}
if(data.exit === undefined){
data.exit = null;
}
if(data.spawned === undefined){
data.spawned = [];
}
if(data.schema_version === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "schema_version"},message:"must have required property '"+"schema_version"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.pid === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "pid"},message:"must have required property '"+"pid"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.ppid === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ppid"},message:"must have required property '"+"ppid"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.argv === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "argv"},message:"must have required property '"+"argv"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.executable === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "executable"},message:"must have required property '"+"executable"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.python_version === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "python_version"},message:"must have required property '"+"python_version"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.python_implementation === undefined){
const err6 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "python_implementation"},message:"must have required property '"+"python_implementation"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data.abi === undefined){
const err7 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "abi"},message:"must have required property '"+"abi"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data.prefix === undefined){
const err8 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "prefix"},message:"must have required property '"+"prefix"+"'"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data.base_prefix === undefined){
const err9 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "base_prefix"},message:"must have required property '"+"base_prefix"+"'"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data.virtual_env === undefined){
const err10 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "virtual_env"},message:"must have required property '"+"virtual_env"+"'"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data.started_at === undefined){
const err11 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "started_at"},message:"must have required property '"+"started_at"+"'"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(data.ended_at === undefined){
const err12 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ended_at"},message:"must have required property '"+"ended_at"+"'"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data.files === undefined){
const err13 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "files"},message:"must have required property '"+"files"+"'"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data.packages === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "packages"},message:"must have required property '"+"packages"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.capture === undefined){
const err15 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "capture"},message:"must have required property '"+"capture"+"'"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(data.schema_version !== undefined){
let data0 = data.schema_version;
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err16 = {instancePath:instancePath+"/schema_version",schemaPath:"#/properties/schema_version/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 < 1 || isNaN(data0)){
const err17 = {instancePath:instancePath+"/schema_version",schemaPath:"#/properties/schema_version/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
let data1 = data.job_id;
if((typeof data1 !== "string") && (data1 !== null)){
const err18 = {instancePath:instancePath+"/job_id",schemaPath:"#/properties/job_id/type",keyword:"type",params:{type: schema11.properties.job_id.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data.pid !== undefined){
let data2 = data.pid;
if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){
const err19 = {instancePath:instancePath+"/pid",schemaPath:"#/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.ppid !== undefined){
let data3 = data.ppid;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err20 = {instancePath:instancePath+"/ppid",schemaPath:"#/properties/ppid/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.argv !== undefined){
let data4 = data.argv;
if(Array.isArray(data4)){
const len0 = data4.length;
for(let i0=0; i0<len0; i0++){
if(typeof data4[i0] !== "string"){
const err21 = {instancePath:instancePath+"/argv/" + i0,schemaPath:"#/properties/argv/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
else {
const err22 = {instancePath:instancePath+"/argv",schemaPath:"#/properties/argv/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
let data6 = data.cwd;
if((typeof data6 !== "string") && (data6 !== null)){
const err23 = {instancePath:instancePath+"/cwd",schemaPath:"#/properties/cwd/type",keyword:"type",params:{type: schema11.properties.cwd.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if(data.executable !== undefined){
if(typeof data.executable !== "string"){
const err24 = {instancePath:instancePath+"/executable",schemaPath:"#/properties/executable/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.python_version !== undefined){
if(typeof data.python_version !== "string"){
const err25 = {instancePath:instancePath+"/python_version",schemaPath:"#/properties/python_version/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data.python_implementation !== undefined){
if(typeof data.python_implementation !== "string"){
const err26 = {instancePath:instancePath+"/python_implementation",schemaPath:"#/properties/python_implementation/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data.abi !== undefined){
let data10 = data.abi;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
if(data10.extension_suffixes === undefined){
data10.extension_suffixes = [];
}
if(data10.soabi === undefined){
data10.soabi = null;
}
if(data10.cache_tag === undefined){
data10.cache_tag = null;
}
if(data10.debug === undefined){
data10.debug = false;
}
if(data10.platform === undefined){
data10.platform = null;
}
if(data10.machine === undefined){
data10.machine = null;
}
if(data10.abi_tag === undefined){
const err27 = {instancePath:instancePath+"/abi",schemaPath:"#/properties/abi/required",keyword:"required",params:{missingProperty: "abi_tag"},message:"must have required property '"+"abi_tag"+"'"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data10.ext_suffix === undefined){
const err28 = {instancePath:instancePath+"/abi",schemaPath:"#/properties/abi/required",keyword:"required",params:{missingProperty: "ext_suffix"},message:"must have required property '"+"ext_suffix"+"'"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(data10.gil_disabled === undefined){
const err29 = {instancePath:instancePath+"/abi",schemaPath:"#/properties/abi/required",keyword:"required",params:{missingProperty: "gil_disabled"},message:"must have required property '"+"gil_disabled"+"'"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data10.abi_tag !== undefined){
if(typeof data10.abi_tag !== "string"){
const err30 = {instancePath:instancePath+"/abi/abi_tag",schemaPath:"#/properties/abi/properties/abi_tag/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data10.ext_suffix !== undefined){
if(typeof data10.ext_suffix !== "string"){
const err31 = {instancePath:instancePath+"/abi/ext_suffix",schemaPath:"#/properties/abi/properties/ext_suffix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
let data13 = data10.extension_suffixes;
if(Array.isArray(data13)){
const len1 = data13.length;
for(let i1=0; i1<len1; i1++){
if(typeof data13[i1] !== "string"){
const err32 = {instancePath:instancePath+"/abi/extension_suffixes/" + i1,schemaPath:"#/properties/abi/properties/extension_suffixes/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
}
else {
const err33 = {instancePath:instancePath+"/abi/extension_suffixes",schemaPath:"#/properties/abi/properties/extension_suffixes/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
let data15 = data10.soabi;
if((typeof data15 !== "string") && (data15 !== null)){
const err34 = {instancePath:instancePath+"/abi/soabi",schemaPath:"#/properties/abi/properties/soabi/type",keyword:"type",params:{type: schema11.properties.abi.properties.soabi.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
let data16 = data10.cache_tag;
if((typeof data16 !== "string") && (data16 !== null)){
const err35 = {instancePath:instancePath+"/abi/cache_tag",schemaPath:"#/properties/abi/properties/cache_tag/type",keyword:"type",params:{type: schema11.properties.abi.properties.cache_tag.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data10.gil_disabled !== undefined){
if(typeof data10.gil_disabled !== "boolean"){
const err36 = {instancePath:instancePath+"/abi/gil_disabled",schemaPath:"#/properties/abi/properties/gil_disabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(typeof data10.debug !== "boolean"){
const err37 = {instancePath:instancePath+"/abi/debug",schemaPath:"#/properties/abi/properties/debug/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
let data19 = data10.platform;
if((typeof data19 !== "string") && (data19 !== null)){
const err38 = {instancePath:instancePath+"/abi/platform",schemaPath:"#/properties/abi/properties/platform/type",keyword:"type",params:{type: schema11.properties.abi.properties.platform.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
let data20 = data10.machine;
if((typeof data20 !== "string") && (data20 !== null)){
const err39 = {instancePath:instancePath+"/abi/machine",schemaPath:"#/properties/abi/properties/machine/type",keyword:"type",params:{type: schema11.properties.abi.properties.machine.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/abi",schemaPath:"#/properties/abi/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data.prefix !== undefined){
if(typeof data.prefix !== "string"){
const err41 = {instancePath:instancePath+"/prefix",schemaPath:"#/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data.base_prefix !== undefined){
if(typeof data.base_prefix !== "string"){
const err42 = {instancePath:instancePath+"/base_prefix",schemaPath:"#/properties/base_prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
if(data.virtual_env !== undefined){
if(typeof data.virtual_env !== "boolean"){
const err43 = {instancePath:instancePath+"/virtual_env",schemaPath:"#/properties/virtual_env/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data.started_at !== undefined){
let data24 = data.started_at;
if(!((typeof data24 == "number") && (isFinite(data24)))){
const err44 = {instancePath:instancePath+"/started_at",schemaPath:"#/properties/started_at/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
if(data.ended_at !== undefined){
let data25 = data.ended_at;
if(!((typeof data25 == "number") && (isFinite(data25)))){
const err45 = {instancePath:instancePath+"/ended_at",schemaPath:"#/properties/ended_at/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
let data26 = data.exit;
if((!(data26 && typeof data26 == "object" && !Array.isArray(data26))) && (data26 !== null)){
const err46 = {instancePath:instancePath+"/exit",schemaPath:"#/properties/exit/type",keyword:"type",params:{type: schema11.properties.exit.type},message:"must be object,null"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
if(data26 && typeof data26 == "object" && !Array.isArray(data26)){
if(data26.code === undefined){
data26.code = null;
}
if(data26.how === undefined){
const err47 = {instancePath:instancePath+"/exit",schemaPath:"#/properties/exit/required",keyword:"required",params:{missingProperty: "how"},message:"must have required property '"+"how"+"'"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data26.how !== undefined){
let data27 = data26.how;
if(typeof data27 !== "string"){
const err48 = {instancePath:instancePath+"/exit/how",schemaPath:"#/properties/exit/properties/how/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
if(!((((((data27 === "exit") || (data27 === "exception")) || (data27 === "os_exit")) || (data27 === "signal")) || (data27 === "exec")) || (data27 === "unknown"))){
const err49 = {instancePath:instancePath+"/exit/how",schemaPath:"#/properties/exit/properties/how/enum",keyword:"enum",params:{allowedValues: schema11.properties.exit.properties.how.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
let data28 = data26.code;
if((!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))) && (data28 !== null)){
const err50 = {instancePath:instancePath+"/exit/code",schemaPath:"#/properties/exit/properties/code/type",keyword:"type",params:{type: schema11.properties.exit.properties.code.type},message:"must be integer,null"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data.files !== undefined){
let data29 = data.files;
if(Array.isArray(data29)){
const len2 = data29.length;
for(let i2=0; i2<len2; i2++){
let data30 = data29[i2];
if(data30 && typeof data30 == "object" && !Array.isArray(data30)){
if(data30.dest === undefined){
data30.dest = null;
}
if(data30.count === undefined){
data30.count = 1;
}
if(data30.op === undefined){
const err51 = {instancePath:instancePath+"/files/" + i2,schemaPath:"#/properties/files/items/required",keyword:"required",params:{missingProperty: "op"},message:"must have required property '"+"op"+"'"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if(data30.path === undefined){
const err52 = {instancePath:instancePath+"/files/" + i2,schemaPath:"#/properties/files/items/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if(data30.op !== undefined){
let data31 = data30.op;
if(typeof data31 !== "string"){
const err53 = {instancePath:instancePath+"/files/" + i2+"/op",schemaPath:"#/properties/files/items/properties/op/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if(!(((((((data31 === "read") || (data31 === "write")) || (data31 === "readwrite")) || (data31 === "rename")) || (data31 === "delete")) || (data31 === "mkdir")) || (data31 === "rmdir"))){
const err54 = {instancePath:instancePath+"/files/" + i2+"/op",schemaPath:"#/properties/files/items/properties/op/enum",keyword:"enum",params:{allowedValues: schema11.properties.files.items.properties.op.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
if(data30.path !== undefined){
if(typeof data30.path !== "string"){
const err55 = {instancePath:instancePath+"/files/" + i2+"/path",schemaPath:"#/properties/files/items/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
let data33 = data30.dest;
if((typeof data33 !== "string") && (data33 !== null)){
const err56 = {instancePath:instancePath+"/files/" + i2+"/dest",schemaPath:"#/properties/files/items/properties/dest/type",keyword:"type",params:{type: schema11.properties.files.items.properties.dest.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
let data34 = data30.count;
if(!(((typeof data34 == "number") && (!(data34 % 1) && !isNaN(data34))) && (isFinite(data34)))){
const err57 = {instancePath:instancePath+"/files/" + i2+"/count",schemaPath:"#/properties/files/items/properties/count/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if((typeof data34 == "number") && (isFinite(data34))){
if(data34 < 1 || isNaN(data34)){
const err58 = {instancePath:instancePath+"/files/" + i2+"/count",schemaPath:"#/properties/files/items/properties/count/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
}
else {
const err59 = {instancePath:instancePath+"/files/" + i2,schemaPath:"#/properties/files/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
}
else {
const err60 = {instancePath:instancePath+"/files",schemaPath:"#/properties/files/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
let data35 = data.spawned;
if(Array.isArray(data35)){
const len3 = data35.length;
for(let i3=0; i3<len3; i3++){
let data36 = data35[i3];
if(data36 && typeof data36 == "object" && !Array.isArray(data36)){
if(data36.executable === undefined){
data36.executable = null;
}
if(data36.argv === undefined){
data36.argv = null;
}
if(data36.event === undefined){
const err61 = {instancePath:instancePath+"/spawned/" + i3,schemaPath:"#/properties/spawned/items/required",keyword:"required",params:{missingProperty: "event"},message:"must have required property '"+"event"+"'"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(data36.event !== undefined){
if(typeof data36.event !== "string"){
const err62 = {instancePath:instancePath+"/spawned/" + i3+"/event",schemaPath:"#/properties/spawned/items/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
let data38 = data36.executable;
if((typeof data38 !== "string") && (data38 !== null)){
const err63 = {instancePath:instancePath+"/spawned/" + i3+"/executable",schemaPath:"#/properties/spawned/items/properties/executable/type",keyword:"type",params:{type: schema11.properties.spawned.items.properties.executable.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
let data39 = data36.argv;
if((!(Array.isArray(data39))) && (data39 !== null)){
const err64 = {instancePath:instancePath+"/spawned/" + i3+"/argv",schemaPath:"#/properties/spawned/items/properties/argv/type",keyword:"type",params:{type: schema11.properties.spawned.items.properties.argv.type},message:"must be array,null"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(Array.isArray(data39)){
const len4 = data39.length;
for(let i4=0; i4<len4; i4++){
if(typeof data39[i4] !== "string"){
const err65 = {instancePath:instancePath+"/spawned/" + i3+"/argv/" + i4,schemaPath:"#/properties/spawned/items/properties/argv/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
}
}
else {
const err66 = {instancePath:instancePath+"/spawned/" + i3,schemaPath:"#/properties/spawned/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
}
else {
const err67 = {instancePath:instancePath+"/spawned",schemaPath:"#/properties/spawned/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
if(data.packages !== undefined){
let data41 = data.packages;
if(Array.isArray(data41)){
const len5 = data41.length;
for(let i5=0; i5<len5; i5++){
let data42 = data41[i5];
if(data42 && typeof data42 == "object" && !Array.isArray(data42)){
if(data42.name === undefined){
const err68 = {instancePath:instancePath+"/packages/" + i5,schemaPath:"#/properties/packages/items/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
if(data42.version === undefined){
const err69 = {instancePath:instancePath+"/packages/" + i5,schemaPath:"#/properties/packages/items/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
if(data42.name !== undefined){
if(typeof data42.name !== "string"){
const err70 = {instancePath:instancePath+"/packages/" + i5+"/name",schemaPath:"#/properties/packages/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data42.version !== undefined){
if(typeof data42.version !== "string"){
const err71 = {instancePath:instancePath+"/packages/" + i5+"/version",schemaPath:"#/properties/packages/items/properties/version/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
}
else {
const err72 = {instancePath:instancePath+"/packages/" + i5,schemaPath:"#/properties/packages/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
}
else {
const err73 = {instancePath:instancePath+"/packages",schemaPath:"#/properties/packages/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data.capture !== undefined){
let data45 = data.capture;
if(data45 && typeof data45 == "object" && !Array.isArray(data45)){
if(data45.runtime_expected === undefined){
data45.runtime_expected = false;
}
if(data45.runtime_path === undefined){
data45.runtime_path = null;
}
if(data45.sys_path_skipped === undefined){
data45.sys_path_skipped = [];
}
if(data45.events_dropped === undefined){
data45.events_dropped = 0;
}
if(data45.errors === undefined){
data45.errors = [];
}
if(data45.audit_backend === undefined){
const err74 = {instancePath:instancePath+"/capture",schemaPath:"#/properties/capture/required",keyword:"required",params:{missingProperty: "audit_backend"},message:"must have required property '"+"audit_backend"+"'"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if(data45.gate === undefined){
const err75 = {instancePath:instancePath+"/capture",schemaPath:"#/properties/capture/required",keyword:"required",params:{missingProperty: "gate"},message:"must have required property '"+"gate"+"'"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
if(data45.audit_backend !== undefined){
let data46 = data45.audit_backend;
if(typeof data46 !== "string"){
const err76 = {instancePath:instancePath+"/capture/audit_backend",schemaPath:"#/properties/capture/properties/audit_backend/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
if(!(((data46 === "native") || (data46 === "python")) || (data46 === "none"))){
const err77 = {instancePath:instancePath+"/capture/audit_backend",schemaPath:"#/properties/capture/properties/audit_backend/enum",keyword:"enum",params:{allowedValues: schema11.properties.capture.properties.audit_backend.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data45.gate !== undefined){
let data47 = data45.gate;
if(data47 && typeof data47 == "object" && !Array.isArray(data47)){
if(data47.reason === undefined){
data47.reason = null;
}
if(data47.outcome === undefined){
const err78 = {instancePath:instancePath+"/capture/gate",schemaPath:"#/properties/capture/properties/gate/required",keyword:"required",params:{missingProperty: "outcome"},message:"must have required property '"+"outcome"+"'"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
if(data47.outcome !== undefined){
let data48 = data47.outcome;
if(typeof data48 !== "string"){
const err79 = {instancePath:instancePath+"/capture/gate/outcome",schemaPath:"#/properties/capture/properties/gate/properties/outcome/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
if(!((((((data48 === "native") || (data48 === "no-runtime")) || (data48 === "abi-mismatch")) || (data48 === "import-error")) || (data48 === "shadowed")) || (data48 === "disabled"))){
const err80 = {instancePath:instancePath+"/capture/gate/outcome",schemaPath:"#/properties/capture/properties/gate/properties/outcome/enum",keyword:"enum",params:{allowedValues: schema11.properties.capture.properties.gate.properties.outcome.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
let data49 = data47.reason;
if((typeof data49 !== "string") && (data49 !== null)){
const err81 = {instancePath:instancePath+"/capture/gate/reason",schemaPath:"#/properties/capture/properties/gate/properties/reason/type",keyword:"type",params:{type: schema11.properties.capture.properties.gate.properties.reason.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
else {
const err82 = {instancePath:instancePath+"/capture/gate",schemaPath:"#/properties/capture/properties/gate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
if(typeof data45.runtime_expected !== "boolean"){
const err83 = {instancePath:instancePath+"/capture/runtime_expected",schemaPath:"#/properties/capture/properties/runtime_expected/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
let data51 = data45.runtime_path;
if((typeof data51 !== "string") && (data51 !== null)){
const err84 = {instancePath:instancePath+"/capture/runtime_path",schemaPath:"#/properties/capture/properties/runtime_path/type",keyword:"type",params:{type: schema11.properties.capture.properties.runtime_path.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
let data52 = data45.sys_path_skipped;
if(Array.isArray(data52)){
const len6 = data52.length;
for(let i6=0; i6<len6; i6++){
if(typeof data52[i6] !== "string"){
const err85 = {instancePath:instancePath+"/capture/sys_path_skipped/" + i6,schemaPath:"#/properties/capture/properties/sys_path_skipped/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
}
else {
const err86 = {instancePath:instancePath+"/capture/sys_path_skipped",schemaPath:"#/properties/capture/properties/sys_path_skipped/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
let data54 = data45.events_dropped;
if(!(((typeof data54 == "number") && (!(data54 % 1) && !isNaN(data54))) && (isFinite(data54)))){
const err87 = {instancePath:instancePath+"/capture/events_dropped",schemaPath:"#/properties/capture/properties/events_dropped/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
if((typeof data54 == "number") && (isFinite(data54))){
if(data54 < 0 || isNaN(data54)){
const err88 = {instancePath:instancePath+"/capture/events_dropped",schemaPath:"#/properties/capture/properties/events_dropped/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
let data55 = data45.errors;
if(Array.isArray(data55)){
const len7 = data55.length;
for(let i7=0; i7<len7; i7++){
let data56 = data55[i7];
if(data56 && typeof data56 == "object" && !Array.isArray(data56)){
if(data56.where === undefined){
const err89 = {instancePath:instancePath+"/capture/errors/" + i7,schemaPath:"#/properties/capture/properties/errors/items/required",keyword:"required",params:{missingProperty: "where"},message:"must have required property '"+"where"+"'"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
if(data56.message === undefined){
const err90 = {instancePath:instancePath+"/capture/errors/" + i7,schemaPath:"#/properties/capture/properties/errors/items/required",keyword:"required",params:{missingProperty: "message"},message:"must have required property '"+"message"+"'"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
if(data56.where !== undefined){
if(typeof data56.where !== "string"){
const err91 = {instancePath:instancePath+"/capture/errors/" + i7+"/where",schemaPath:"#/properties/capture/properties/errors/items/properties/where/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data56.message !== undefined){
if(typeof data56.message !== "string"){
const err92 = {instancePath:instancePath+"/capture/errors/" + i7+"/message",schemaPath:"#/properties/capture/properties/errors/items/properties/message/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
}
else {
const err93 = {instancePath:instancePath+"/capture/errors/" + i7,schemaPath:"#/properties/capture/properties/errors/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
}
else {
const err94 = {instancePath:instancePath+"/capture/errors",schemaPath:"#/properties/capture/properties/errors/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
}
else {
const err95 = {instancePath:instancePath+"/capture",schemaPath:"#/properties/capture/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
}
else {
const err96 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

