"""Calls per second of the official Python SDK against the loopback server.

Run by `cargo xtask bench --compare` (through the `bench-tool loopback --python` command, which
starts the server), with the `sailpoint` package pinned in `xtask/src/bench.rs`. Prints one JSON
object: median latencies in microseconds and rates in calls per second.
"""

import argparse
import json
import statistics
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

# The beta Accounts operations are deprecated; the warnings would only slow the loop.
warnings.simplefilter("ignore")

import sailpoint.beta  # noqa: E402
from sailpoint.configuration import Configuration, ConfigurationParams  # noqa: E402


def latencies(call, count):
    times = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def concurrent_rate(call, count, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        started = time.perf_counter()
        for _ in pool.map(lambda _: call(), range(count)):
            pass
        return count / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--account-calls", type=int, default=1000)
    parser.add_argument("--page-calls", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--concurrent-calls", type=int, default=1280)
    parser.add_argument("--concurrent-page-calls", type=int, default=64)
    args = parser.parse_args()

    params = ConfigurationParams()
    params.base_url = args.base_url
    params.access_token = args.token
    config = Configuration(params)
    config.connection_pool_maxsize = args.concurrency
    api = sailpoint.beta.AccountsApi(sailpoint.beta.ApiClient(config))

    def account():
        return api.get_account("acct-1")

    def page():
        accounts = api.list_accounts(limit=250)
        assert len(accounts) == 250
        return accounts

    for _ in range(20):
        account()
    page()

    account_times = latencies(account, args.account_calls)
    page_times = latencies(page, args.page_calls)
    result = {
        "account_median_us": statistics.median(account_times) * 1e6,
        "account_rate": len(account_times) / sum(account_times),
        "page_median_us": statistics.median(page_times) * 1e6,
        "page_rate": len(page_times) / sum(page_times),
        "concurrent_account_rate": concurrent_rate(account, args.concurrent_calls, args.concurrency),
        "concurrent_page_rate": concurrent_rate(page, args.concurrent_page_calls, args.concurrency),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
