"""The /auth/ function under the ADOT Python distro, as the Lambda layer runs it: spans and logs
reach an OTLP receiver (with the log group and stream headers of the auth stream), and
TokensIssued / LoginsDenied{Reason} come out as EMF lines in the Jitsi namespace.

A child process runs `opentelemetry-instrument` with the function's collector-less settings
(infra/modules/auth: the same variables, endpoints pointed here), in a Lambda-like environment
(AWS_LAMBDA_FUNCTION_NAME set, the aws-lambda instrumentation applied to the handler the way the
layer's otel_wrapper does, which also flushes every provider after each invocation).
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

REPO = Path(__file__).resolve().parents[3]

DRIVER = """
import json, os
from types import SimpleNamespace
from opentelemetry.instrumentation.aws_lambda import AwsLambdaInstrumentor
from tests.unit.auth.fake_alb import FakeAlb, OTHER_ALB_ARN, SECRET, settings

AwsLambdaInstrumentor().instrument()  # what the layer's otel_wrapper does for _HANDLER
from jitsi_ecs.auth import handler, metrics
from jitsi_ecs.auth.handler import App

fake = FakeAlb()
handler._app = App(settings(alb_arn=fake.arn), fake.keys, lambda: SECRET, metrics.EmfMetrics())
context = SimpleNamespace(
    invoked_function_arn="arn:aws:lambda:us-west-2:123456789012:function:jitsi-auth",
    aws_request_id="req-1", function_version="$LATEST", function_name="jitsi-auth",
    memory_limit_in_mb=512, log_group_name="/aws/lambda/jitsi-auth",
)
for event in (
    fake.event("POST", room="standup"),
    fake.event("GET", oidc_data=fake.oidc_data(signer=OTHER_ALB_ARN)),
    fake.event("GET", oidc_data=None),
):
    print("status", handler.handler(event, context)["statusCode"])
"""


def test_spans_logs_and_emf_metrics_are_exported() -> None:
    instrument = shutil.which("opentelemetry-instrument", path=str(Path(sys.executable).parent))
    if instrument is None:
        pytest.fail(
            "opentelemetry-instrument missing: install the dev extras (aws-opentelemetry-distro)"
        )
    received: dict[str, list[Any]] = {"/v1/traces": [], "/v1/logs": []}
    headers_seen: dict[str, dict[str, str]] = {}

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.setdefault(self.path, []).append(body)
            headers_seen[self.path] = {k.lower(): v for k, v in self.headers.items()}
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_address[1]}"
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        # A Lambda-like process ...
        "AWS_LAMBDA_FUNCTION_NAME": "jitsi-auth",
        "AWS_REGION": "us-west-2",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "_HANDLER": "jitsi_ecs.auth.handler.handler",
        "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "aws-lambda",  # applied by the driver instead
        # ... with the function's settings (infra/modules/auth), endpoints pointed here.
        "OTEL_RESOURCE_ATTRIBUTES": "service.name=jitsi-auth",
        "OTEL_PYTHON_DISTRO": "aws_distro",
        "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
        "OTEL_AWS_APPLICATION_SIGNALS_ENABLED": "false",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{local}/v1/traces",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"{local}/v1/logs",
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS": "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=auth",
        "OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED": "true",
        "OTEL_METRICS_EXPORTER": "none",
        "METRIC_NAMESPACE": "Jitsi",
    }
    try:
        proc = subprocess.run(
            [instrument, sys.executable, "-c", DRIVER],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = proc.stdout.splitlines()
    assert [line for line in lines if line.startswith("status")] == [
        "status 303",
        "status 401",
        "status 401",
    ], proc.stdout

    spans = []
    for body in received["/v1/traces"]:
        request = ExportTraceServiceRequest.FromString(body)
        spans += [
            (s.name, s.kind)
            for rs in request.resource_spans
            for ss in rs.scope_spans
            for s in ss.spans
        ]
    invocations = [s for s in spans if s[0] == "jitsi-auth"]  # one span per invocation
    assert len(invocations) == 3, spans

    logs = []
    for body in received["/v1/logs"]:
        request = ExportLogsServiceRequest.FromString(body)
        logs += [
            r.body.string_value
            for rl in request.resource_logs
            for sl in rl.scope_logs
            for r in sl.log_records
        ]
    assert any("token issued: room=standup" in line for line in logs), logs
    assert any("login denied: reason=signer" in line for line in logs), logs
    assert any("login denied: reason=missing" in line for line in logs), logs
    assert headers_seen["/v1/logs"]["x-aws-log-group"] == "/ecs/jitsi-app"
    assert headers_seen["/v1/logs"]["x-aws-log-stream"] == "auth"

    seen = set()
    for line in lines:
        if not line.startswith("{"):
            continue
        emf = json.loads(line)
        (directive,) = emf["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "Jitsi" and emf["Service"] == "auth"
        for metric in directive["Metrics"]:
            assert emf[metric["Name"]] == 1 and metric["Unit"] == "Count"
            seen.add((metric["Name"], emf.get("Reason"), tuple(directive["Dimensions"][0])))
    assert seen == {
        ("TokensIssued", None, ("Service",)),
        ("LoginsDenied", "signer", ("Service", "Reason")),
        ("LoginsDenied", "missing", ("Service", "Reason")),
    }
