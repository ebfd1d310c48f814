"""One cold start of the Python baseline: import handler.py (boto3, requests, the S3 client) and
create the Polly client, timed inside the process. Prints one `BENCH {json}` line."""
import time

t0 = time.perf_counter()
import handler  # noqa: E402  (the import is what is measured)
handler.new_polly_client()
t1 = time.perf_counter()

import json  # noqa: E402


def peak_rss_kb():
    # VmHWM, not getrusage's ru_maxrss: on Linux a child's ru_maxrss keeps the high-water mark of the
    # process it was forked from (the benchmark's Node process), which would hide our own.
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


print('BENCH ' + json.dumps({'init_ms': (t1 - t0) * 1000, 'max_rss_kb': peak_rss_kb()}), flush=True)
