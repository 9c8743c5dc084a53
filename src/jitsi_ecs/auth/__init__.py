"""The /auth/ page: members log in through the ALB and get a meeting link with a token.

The ALB runs the login (an authenticate-cognito or authenticate-oidc action on /auth/*) and
forwards to a Lambda function with the identity in its signed `x-amzn-oidc-data` header. The
function (handler.py) verifies that header (alb.py) before trusting any of it, shows a small
form (page.py), mints a moderator token for the typed room (jitsi_ecs.tokens) and redirects to
the meeting. Nothing runs at idle; package.py builds its zip without Docker.

This package and jitsi_ecs.tokens run inside Lambda: they import only the standard library,
PyJWT, cryptography and boto3 (in the runtime); the ADOT layer instruments them from outside.
"""
