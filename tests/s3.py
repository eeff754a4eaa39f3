"""A local S3-compatible object store for the tests: moto's server mode on a free loopback port.

`moto_server()` starts it (the test files wrap it in a session-scoped fixture); `S3Buckets`
creates a fresh pair of buckets on it, gives the public one the read-only bucket policy the
README describes, and says which S3_* variables make newsportal use them.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import boto3

REGION = "us-east-1"
# Every variable newsportal.storage reads: tests clear them all before setting their own.
S3_VARIABLES = (
    "S3_BUCKET",
    "S3_PRIVATE_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PUBLIC_URL",
    "S3_MEDIA_PREFIX",
    "S3_PRIVATE_PREFIX",
)
KEY_ID, SECRET = "testing", "testing-secret"


@contextmanager
def moto_server():
    """Yield the endpoint URL of a moto server in a child process, stopped afterwards.

    A process rather than moto's ThreadedMotoServer: the PDF checks fork, and a fork while
    another thread runs (and may hold a lock) can hang the child.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    executable = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(endpoint, process)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(endpoint, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer at {endpoint} within {seconds} s")


@dataclass
class S3Buckets:
    """A public and a private bucket of their own on the moto server at `endpoint`."""

    endpoint: str
    public: str = field(default_factory=lambda: f"media-{uuid.uuid4().hex[:12]}")
    private: str = field(default_factory=lambda: f"private-{uuid.uuid4().hex[:12]}")

    def __post_init__(self):
        self.client = boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET
        )
        for bucket in (self.public, self.private):
            self.client.create_bucket(Bucket=bucket)
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{self.public}/media/*",
        }
        policy = {"Version": "2012-10-17", "Statement": [statement]}
        self.client.put_bucket_policy(Bucket=self.public, Policy=json.dumps(policy))

    def environment(self):
        """The S3_* variables that point newsportal at these buckets."""
        return {
            "S3_BUCKET": self.public,
            "S3_PRIVATE_BUCKET": self.private,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET,
        }

    def keys(self, bucket):
        """Every object key in `bucket`, sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def body(self, bucket, key):
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()


def anonymous_get(url):
    """(status, body) of a plain HTTP GET with no credentials, as a browser would send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
