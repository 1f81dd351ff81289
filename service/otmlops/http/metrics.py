"""Prometheus text exposition of request counts, latency, timeouts and store size.

Written by hand (the format is small) to avoid a dependency; one process owns the counters,
which is right because one server process fronts the worker pool.
"""

from __future__ import annotations

import threading
from collections import defaultdict

#: Latency histogram bucket bounds, seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.latency_buckets: dict[str, list[int]] = {}
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.latency_count: dict[str, int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, str(status))] += 1
            buckets = self.latency_buckets.setdefault(route, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            self.latency_sum[route] += seconds
            self.latency_count[route] += 1

    def render(
        self,
        *,
        timeouts: int,
        restarts: int,
        generation: int,
        triples: int | None,
        memory_stops: int = 0,
        cancelled: int = 0,
    ) -> str:
        lines = [
            "# HELP otmlops_http_requests_total HTTP requests answered, by method, route and "
            "status.",
            "# TYPE otmlops_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                lines.append(
                    f'otmlops_http_requests_total{{method="{_escape(method)}",'
                    f'route="{_escape(route)}",status="{status}"}} {n}'
                )
            lines += [
                "# HELP otmlops_http_request_duration_seconds Time to answer a request.",
                "# TYPE otmlops_http_request_duration_seconds histogram",
            ]
            for route, buckets in sorted(self.latency_buckets.items()):
                r = _escape(route)
                for bound, n in zip(BUCKETS, buckets, strict=True):
                    lines.append(
                        f'otmlops_http_request_duration_seconds_bucket{{route="{r}",'
                        f'le="{bound}"}} {n}'
                    )
                lines.append(
                    f'otmlops_http_request_duration_seconds_bucket{{route="{r}",'
                    f'le="+Inf"}} {self.latency_count[route]}'
                )
                lines.append(
                    f'otmlops_http_request_duration_seconds_sum{{route="{r}"}} '
                    f"{self.latency_sum[route]:.6f}"
                )
                lines.append(
                    f'otmlops_http_request_duration_seconds_count{{route="{r}"}} '
                    f"{self.latency_count[route]}"
                )
        lines += [
            "# HELP otmlops_query_timeouts_total Requests stopped at their time limit.",
            "# TYPE otmlops_query_timeouts_total counter",
            f"otmlops_query_timeouts_total {timeouts}",
            "# HELP otmlops_worker_restarts_total Worker processes replaced (after a timeout "
            "or a crash).",
            "# TYPE otmlops_worker_restarts_total counter",
            f"otmlops_worker_restarts_total {restarts}",
            "# HELP otmlops_memory_limit_stops_total Requests stopped at the worker memory cap.",
            "# TYPE otmlops_memory_limit_stops_total counter",
            f"otmlops_memory_limit_stops_total {memory_stops}",
            "# HELP otmlops_client_gone_stops_total Requests stopped because their client "
            "disconnected.",
            "# TYPE otmlops_client_gone_stops_total counter",
            f"otmlops_client_gone_stops_total {cancelled}",
            "# HELP otmlops_store_generation Snapshot generation the readers serve.",
            "# TYPE otmlops_store_generation gauge",
            f"otmlops_store_generation {generation}",
        ]
        if triples is not None:
            lines += [
                "# HELP otmlops_store_triples Triples in the store (all graphs).",
                "# TYPE otmlops_store_triples gauge",
                f"otmlops_store_triples {triples}",
            ]
        return "\n".join(lines) + "\n"
