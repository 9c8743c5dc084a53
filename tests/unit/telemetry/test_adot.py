"""The component under the ADOT Python distro: spans and logs reach an OTLP receiver.

The settings are the collector-less ones (FACTS.md) with the endpoints pointed at a local
receiver; awsemf metrics are turned off here because they write to CloudWatch Logs.
"""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.unit.telemetry.stats_server import JICOFO_JSON, JVB_JSON, serve


def test_spans_and_logs_arrive_over_otlp() -> None:
    instrument = shutil.which("opentelemetry-instrument", path=str(Path(sys.executable).parent))
    if instrument is None:
        pytest.fail(
            "opentelemetry-instrument missing: install the dev extras (aws-opentelemetry-distro)"
        )
    received: dict[str, list[bytes]] = {"/v1/traces": [], "/v1/logs": []}

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.setdefault(self.path, []).append(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    otlp = f"http://127.0.0.1:{server.server_address[1]}"
    env = {
        **os.environ,
        "OTEL_PYTHON_DISTRO": "aws_distro",
        "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{otlp}/v1/traces",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"{otlp}/v1/logs",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_AWS_APPLICATION_SIGNALS_ENABLED": "false",
        "OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED": "true",
        "OTEL_RESOURCE_ATTRIBUTES": "service.name=jitsi-ecs-telemetry",
        "AWS_REGION": "us-west-2",
    }
    try:
        with serve(JVB_JSON) as jvb, serve(JICOFO_JSON) as jicofo:
            proc = subprocess.run(
                [
                    instrument,
                    sys.executable,
                    "-m",
                    "jitsi_ecs.telemetry",
                    "--once",
                    "--jvb",
                    jvb,
                    "--jvb",
                    "http://127.0.0.1:9",
                    "--jicofo",
                    jicofo,
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr
    spans = []
    for body in received["/v1/traces"]:
        request = ExportTraceServiceRequest.FromString(body)
        spans += [
            s.name for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans
        ]
    assert (
        "telemetry.collect" in spans
        and spans.count("collect jvb") == 2
        and "collect jicofo" in spans
    )
    logs = []
    for body in received["/v1/logs"]:
        request = ExportLogsServiceRequest.FromString(body)
        logs += [
            r.body.string_value
            for rl in request.resource_logs
            for sl in rl.scope_logs
            for r in sl.log_records
        ]
    assert any("telemetry collected: 1 bridge(s) up of 2" in line for line in logs), logs
    assert any("telemetry source failed: jvb http://127.0.0.1:9" in line for line in logs), logs
