"""One cold start of the Python baseline up to its first answer: import handler.py (boto3, requests,
the S3 client), then run lambda_handler on one update against the benchmark's stand-ins (boto3
honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_POLLY; TELEGRAM_API_URL points requests at the fake
Bot API). `/start` is one sendMessage; a text is Polly → /tmp → S3 upload → sendVoice, all in the
article's order. Timed inside the process, like bench/child.mjs `first`. Prints one `BENCH {json}` line.

  python3 -B first_answer.py '{"updateId": 1, "chatId": 1, "text": "/start"}'
"""
import sys
import time

t0 = time.perf_counter()
import handler  # noqa: E402  (the import is what is measured, with the answer)
t1 = time.perf_counter()

import json  # noqa: E402

spec = json.loads(sys.argv[1])
update = {
    'update_id': spec['updateId'],
    'message': {
        'message_id': spec['updateId'],
        'date': int(time.time()),
        'chat': {'id': spec['chatId'], 'type': 'private', 'first_name': 'Bench'},
        'from': {'id': spec['chatId'], 'is_bot': False, 'first_name': 'Bench', 'language_code': 'en'},
        'text': spec['text'],
    },
}
result = handler.lambda_handler({'body': json.dumps(update)}, None)
t2 = time.perf_counter()

from rss import peak_rss_kb  # noqa: E402  (after the timing: not part of the cold start)

print('BENCH ' + json.dumps({
    'import_ms': (t1 - t0) * 1000,
    'answer_ms': (t2 - t1) * 1000,
    'first_answer_ms': (t2 - t0) * 1000,
    'status': result['statusCode'],
    'max_rss_kb': peak_rss_kb(),
}), flush=True)
