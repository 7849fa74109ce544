import { listRuntimes, runtimeCacheRoot } from "@roar/runtime-cache";
import { RoarCommand } from "../../base-command.js";
import { type RuntimeListData, renderRuntimeList } from "../../views/runtime.js";

export default class RuntimeList extends RoarCommand {
  static override description = "List the per-Python runtime trees in the cache.";
  static override examples = ["<%= config.bin %> runtime list", "<%= config.bin %> runtime list --json"];
  static override enableJsonFlag = true;

  async run(): Promise<RuntimeListData> {
    await this.parse(RuntimeList);
    const root = runtimeCacheRoot(process.env);
    const data: RuntimeListData = {
      root,
      runtimes: listRuntimes(root).map((entry) => ({
        key: entry.key,
        python: entry.stamp?.python.version ?? null,
        executable: entry.stamp?.python.executable ?? null,
        roarVersion: entry.stamp?.roarVersion ?? null,
        wheels: entry.stamp?.wheels ?? {},
        sizeBytes: entry.sizeBytes,
        installedAt: entry.stamp?.installedAt ?? null,
        path: entry.sitePackages,
        complete: entry.stamp !== null,
      })),
    };
    if (!this.jsonEnabled()) this.log(renderRuntimeList(data));
    return data;
  }
}
