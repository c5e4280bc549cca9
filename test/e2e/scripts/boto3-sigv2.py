# boto3 with signature_version "s3" (SigV2, botocore's HmacV1Auth), driven by
# test/e2e/clients-boto3-sigv2.test.ts. Only requests without a sub-resource: botocore (1.29)
# with path-style addressing signs "?sub?sub" for those, which AWS rejects as well.
import hashlib, http.client, json, os, sys, urllib.parse, urllib.request
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id=os.environ["KEY"], aws_secret_access_key=os.environ["SECRET"],
    config=Config(signature_version="s3", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
out = {}
sha = lambda b: hashlib.sha256(b).hexdigest()
body = os.urandom(100_000)

s3.create_bucket(Bucket="botov2")  # signed as "/botov2/", sent as "/botov2"
s3.put_object(Bucket="botov2", Key="dir/a b+c.bin", Body=body, Metadata={"colour": "blue"}, ContentType="application/x-test")
head = s3.head_object(Bucket="botov2", Key="dir/a b+c.bin")
out["head"] = {"size": head["ContentLength"], "type": head["ContentType"], "meta": head["Metadata"]}
out["range"] = sha(s3.get_object(Bucket="botov2", Key="dir/a b+c.bin", Range="bytes=10-109")["Body"].read())
s3.copy_object(Bucket="botov2", Key="copy.bin", CopySource={"Bucket": "botov2", "Key": "dir/a b+c.bin"},
               MetadataDirective="REPLACE", Metadata={"colour": "red"}, ContentType="text/x-copy")
copied = s3.head_object(Bucket="botov2", Key="copy.bin")
out["copy"] = {"meta": copied["Metadata"], "type": copied["ContentType"]}
out["keys"] = [o["Key"] for o in s3.list_objects(Bucket="botov2", Prefix="")["Contents"]]
get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "botov2", "Key": "dir/a b+c.bin", "ResponseContentType": "text/x-override"}, ExpiresIn=300)
with urllib.request.urlopen(get_url) as r:
    out["presigned_get"] = {"sha": sha(r.read()), "type": r.headers["Content-Type"]}
put_url = urllib.parse.urlsplit(s3.generate_presigned_url("put_object", Params={"Bucket": "botov2", "Key": "pp.bin"}, ExpiresIn=300))
conn = http.client.HTTPConnection(put_url.netloc)
conn.request("PUT", f"{put_url.path}?{put_url.query}", body=b"presigned")  # no Content-Type: none was signed
out["presigned_put"] = conn.getresponse().status
out["pp"] = s3.get_object(Bucket="botov2", Key="pp.bin")["Body"].read().decode()
bad = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=os.environ["KEY"], aws_secret_access_key="wrong",
                   config=Config(signature_version="s3", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
try:
    bad.put_object(Bucket="botov2", Key="bad.bin", Body=b"x")
    out["bad"] = "ok"
except ClientError as e:
    out["bad"] = e.response["Error"]["Code"]
for k in ["dir/a b+c.bin", "copy.bin", "pp.bin"]:
    s3.delete_object(Bucket="botov2", Key=k)
out["left"] = s3.list_objects(Bucket="botov2").get("Contents", [])
s3.delete_bucket(Bucket="botov2")
out["body"] = sha(body)
out["body_range"] = sha(body[10:110])
print(json.dumps(out))
