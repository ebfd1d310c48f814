"""One cold start of the Python baseline: import handler.py (boto3, requests, the S3 client) and
create the Polly client, timed inside the process. Prints one `BENCH {json}` line."""
import time

t0 = time.perf_counter()
import handler  # noqa: E402  (the import is what is measured)
handler.new_polly_client()
t1 = time.perf_counter()

import json  # noqa: E402

from rss import peak_rss_kb  # noqa: E402


print('BENCH ' + json.dumps({'init_ms': (t1 - t0) * 1000, 'max_rss_kb': peak_rss_kb()}), flush=True)
