# boto3 scenario driven by test/e2e/clients-boto3.test.ts: every step that moves bytes
# reports their SHA-256 so the test can compare them with what it uploaded.
import hashlib, json, os, sys, urllib.request
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, work = sys.argv[1], sys.argv[2]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id=os.environ["KEY"], aws_secret_access_key=os.environ["SECRET"],
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
out = {}
sha = lambda b: hashlib.sha256(b).hexdigest()
def file_sha(p):
    with open(p, "rb") as f:
        return sha(f.read())
def code(fn):
    try:
        fn()
        return "ok"
    except ClientError as e:
        return e.response["Error"]["Code"]

s3.create_bucket(Bucket="boto")
out["buckets"] = [b["Name"] for b in s3.list_buckets()["Buckets"]]

small = open(os.path.join(work, "small.bin"), "rb").read()
s3.put_object(Bucket="boto", Key="dir/small.bin", Body=small, Metadata={"colour": "blue"}, ContentType="application/x-test")
head = s3.head_object(Bucket="boto", Key="dir/small.bin")
out["head"] = {"size": head["ContentLength"], "type": head["ContentType"], "meta": head["Metadata"], "etag": head["ETag"]}
out["get_small"] = sha(s3.get_object(Bucket="boto", Key="dir/small.bin")["Body"].read())
# boto3 refuses non-ASCII metadata itself; its users send RFC 2047 words, which S3 stores decoded
# and answers encoded again.
s3.put_object(Bucket="boto", Key="meta.txt", Body=b"m", Metadata={"name": "=?UTF-8?B?5pel5pys?=", "q": "=?UTF-8?Q?caf=C3=A9?=", "plain": "blue"})
out["meta_utf8"] = s3.head_object(Bucket="boto", Key="meta.txt")["Metadata"]
s3.delete_object(Bucket="boto", Key="meta.txt")
out["range"] = sha(s3.get_object(Bucket="boto", Key="dir/small.bin", Range="bytes=100-1099")["Body"].read())

# Multipart through the transfer manager (5 MiB parts, 4 threads), then a download the same way.
cfg = TransferConfig(multipart_threshold=5 * 2**20, multipart_chunksize=5 * 2**20, max_concurrency=4)
s3.upload_file(os.path.join(work, "big.bin"), "boto", "dir/big.bin", Config=cfg)
s3.download_file("boto", "dir/big.bin", os.path.join(work, "big.down"), Config=cfg)
out["big_down"] = file_sha(os.path.join(work, "big.down"))
out["big_etag"] = s3.head_object(Bucket="boto", Key="dir/big.bin")["ETag"]

s3.copy_object(Bucket="boto", Key="copy.bin", CopySource={"Bucket": "boto", "Key": "dir/small.bin"}, MetadataDirective="REPLACE", Metadata={"colour": "red"})
out["copy_meta"] = s3.head_object(Bucket="boto", Key="copy.bin")["Metadata"]
s3.put_object_tagging(Bucket="boto", Key="copy.bin", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
out["tags"] = s3.get_object_tagging(Bucket="boto", Key="copy.bin")["TagSet"]

keys = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="boto", PaginationConfig={"PageSize": 1}):
    keys += [o["Key"] for o in page.get("Contents", [])]
out["keys"] = keys
out["prefixes"] = [p["Prefix"] for p in s3.list_objects_v2(Bucket="boto", Delimiter="/").get("CommonPrefixes", [])]

url = s3.generate_presigned_url("get_object", Params={"Bucket": "boto", "Key": "dir/small.bin"}, ExpiresIn=300)
out["presigned"] = sha(urllib.request.urlopen(url).read())

s3.put_bucket_versioning(Bucket="boto", VersioningConfiguration={"Status": "Enabled"})
v1 = s3.put_object(Bucket="boto", Key="v.txt", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket="boto", Key="v.txt", Body=b"two")["VersionId"]
s3.delete_object(Bucket="boto", Key="v.txt")
listed = s3.list_object_versions(Bucket="boto", Prefix="v.txt")
out["versions"] = sorted(v["VersionId"] for v in listed.get("Versions", [])) == sorted([v1, v2])
out["markers"] = len(listed.get("DeleteMarkers", []))
out["old_version"] = s3.get_object(Bucket="boto", Key="v.txt", VersionId=v1)["Body"].read().decode()
out["latest_gone"] = code(lambda: s3.get_object(Bucket="boto", Key="v.txt"))

out["missing"] = code(lambda: s3.head_object(Bucket="boto", Key="nope"))
out["bad_bucket"] = code(lambda: s3.create_bucket(Bucket="Bad_Name"))
deleted = s3.delete_objects(Bucket="boto", Delete={"Objects": [{"Key": "dir/small.bin"}, {"Key": "dir/big.bin"}, {"Key": "copy.bin"}]})
out["deleted"] = sorted(d["Key"] for d in deleted.get("Deleted", []))
print(json.dumps(out))
