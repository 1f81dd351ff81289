"""The /metrics exposition: request counts and latency, the runner's counters, the store size
and the server process (CPU, memory, open files), written by prometheus_client.

Each app owns its registry rather than the library's global one, so several apps in one
process (as in the tests) count apart. One server process fronts the worker pool, so its
counters are the service's; the process metrics describe the server process only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

#: Latency histogram bucket bounds, seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class RunnerReading:
    """The runner's counters and the store size at the moment of a scrape."""

    timeouts: int
    restarts: int
    generation: int
    triples: int | None
    memory_stops: int = 0
    cancelled: int = 0


class _RunnerCollector(Collector):
    """Reports the last reading handed to it: the runner keeps plain counters (they are
    shared with /healthz), so they are read at scrape time instead of mirrored."""

    def __init__(self) -> None:
        self.reading = RunnerReading(timeouts=0, restarts=0, generation=0, triples=None)

    def collect(self) -> Iterable[Metric]:
        r = self.reading
        yield CounterMetricFamily(
            "otmlops_query_timeouts", "Requests stopped at their time limit.", value=r.timeouts
        )
        yield CounterMetricFamily(
            "otmlops_worker_restarts",
            "Worker processes replaced (after a timeout or a crash).",
            value=r.restarts,
        )
        yield CounterMetricFamily(
            "otmlops_memory_limit_stops",
            "Requests stopped at the worker memory cap.",
            value=r.memory_stops,
        )
        yield CounterMetricFamily(
            "otmlops_client_gone_stops",
            "Requests stopped because their client disconnected.",
            value=r.cancelled,
        )
        yield GaugeMetricFamily(
            "otmlops_store_generation",
            "Snapshot generation the readers serve.",
            value=r.generation,
        )
        if r.triples is not None:  # unknown (store busy or unreachable): no sample at all
            yield GaugeMetricFamily(
                "otmlops_store_triples", "Triples in the store (all graphs).", value=r.triples
            )


class Metrics:
    """One app's metrics registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._lock = threading.Lock()  # a reading and the scrape that reports it go together
        self._requests = Counter(
            "otmlops_http_requests",
            "HTTP requests answered, by method, route and status.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self._latency = Histogram(
            "otmlops_http_request_duration_seconds",
            "Time to answer a request.",
            ("route",),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._runner = _RunnerCollector()
        self.registry.register(self._runner)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self._requests.labels(method, route, str(status)).inc()
        self._latency.labels(route).observe(seconds)

    def render(self, reading: RunnerReading, accept: str | None = None) -> tuple[bytes, str]:
        """The exposition and its content type: the Prometheus text format, or OpenMetrics
        when ``accept`` (the scraper's Accept header) asks for it."""
        encode, content_type = choose_encoder(accept or "")
        with self._lock:
            self._runner.reading = reading
            return encode(self.registry), content_type
