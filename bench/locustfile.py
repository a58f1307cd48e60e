"""One page, asked for without pause by each simulated user (a closed loop), signed in with the
session cookies bench/run.py hands over. Run by bench/run.py: locust --headless, bounded in time."""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
if os.environ.get("BENCH_COOKIE"):
    HEADERS["Cookie"] = os.environ["BENCH_COOKIE"]


class PageUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self):
        with self.client.get(PATH, headers=HEADERS, catch_response=True) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code}")
