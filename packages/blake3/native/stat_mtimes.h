// statMtimes (stat_mtimes.c): the mtimes of many files, on up to `max_threads` threads.
#ifndef ROAR_STAT_MTIMES_H
#define ROAR_STAT_MTIMES_H
#include <node_api.h>

napi_value roar_stat_mtimes(napi_env env, napi_callback_info info, long max_threads);

#endif
