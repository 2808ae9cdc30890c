using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Atelier.Platform.Storage;

/// <summary>Blobs in an S3-compatible bucket, path-style by default so MinIO, Garage and Ceph work.</summary>
internal sealed class S3BlobStorage : IBlobStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3Options _options;
    private readonly string _bucket;
    private readonly SemaphoreSlim _bucketReady = new(1, 1);
    private readonly bool _https;
    private bool _bucketChecked;

    public S3BlobStorage(S3Options options)
    {
        _options = options;
        _https = !(options.ServiceUrl ?? "https:").StartsWith("http:", StringComparison.OrdinalIgnoreCase);
        _bucket = options.Bucket ?? throw new InvalidOperationException("Atelier:Storage:S3:Bucket is required for S3 storage.");
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // Checksums only where S3 requires them: several S3-compatible servers reject the newer trailing checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        _client = options.AccessKey is { Length: > 0 }
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public async Task PutFileAsync(string key, string localFile, string contentType, CancellationToken ct)
    {
        try
        {
            await EnsureBucketAsync(ct);
            if (!await ExistsAsync(key, ct))
            {
                await UploadAsync(ObjectKey(key), localFile, contentType, ct);
            }
        }
        finally
        {
            File.Delete(localFile);
        }
    }

    private const long PartSize = 32 * 1024 * 1024;

    /// <summary>
    /// One PUT for small files, a multipart upload in 32 MB parts for large ones, both read from the file (never held
    /// in memory). Payloads are signed whole rather than with aws-chunked encoding, which not every S3-compatible
    /// server decodes.
    /// </summary>
    private async Task UploadAsync(string objectKey, string localFile, string contentType, CancellationToken ct)
    {
        var length = new FileInfo(localFile).Length;
        if (length <= PartSize)
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket, Key = objectKey, FilePath = localFile, ContentType = contentType, UseChunkEncoding = false, DisablePayloadSigning = _https,
            }, ct);
            return;
        }
        var upload = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = objectKey, ContentType = contentType }, ct);
        try
        {
            var parts = new List<PartETag>();
            for (long position = 0, number = 1; position < length; position += PartSize, number++)
            {
                var part = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _bucket, Key = objectKey, UploadId = upload.UploadId, PartNumber = (int)number, FilePath = localFile,
                    FilePosition = position, PartSize = Math.Min(PartSize, length - position), UseChunkEncoding = false, DisablePayloadSigning = _https,
                }, ct);
                parts.Add(new PartETag((int)number, part.ETag));
            }
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket, Key = objectKey, UploadId = upload.UploadId, PartETags = parts,
            }, ct);
        }
        catch
        {
            await _client.AbortMultipartUploadAsync(_bucket, objectKey, upload.UploadId, CancellationToken.None);
            throw;
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.GetObjectMetadataAsync(_bucket, ObjectKey(key), ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct)
    {
        var request = new GetObjectRequest { BucketName = _bucket, Key = ObjectKey(key) };
        if (offset > 0 || length is not null)
        {
            request.ByteRange = length is { } n ? new ByteRange(offset, offset + n - 1) : new ByteRange($"bytes={offset}-");
        }
        var response = await _client.GetObjectAsync(request, ct);
        return new ResponseStream(response);
    }

    public async Task<string> GetLocalFileAsync(string key, string scratchFolder, CancellationToken ct)
    {
        Directory.CreateDirectory(scratchFolder);
        var path = Path.Combine(scratchFolder, key);
        await using var source = await OpenReadAsync(key, 0, null, ct);
        await using var target = File.Create(path);
        await source.CopyToAsync(target, ct);
        return path;
    }

    public async Task DeleteAsync(string key, CancellationToken ct) =>
        await _client.DeleteObjectAsync(_bucket, ObjectKey(key), ct);

    public void Dispose()
    {
        _client.Dispose();
        _bucketReady.Dispose();
    }

    private string ObjectKey(string key)
    {
        BlobKeys.Validate(key);
        return $"{_options.Prefix.Trim('/')}{(_options.Prefix.Trim('/').Length > 0 ? "/" : "")}{key[..2]}/{key}";
    }

    private async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (_bucketChecked || !_options.CreateBucket)
        {
            return;
        }
        await _bucketReady.WaitAsync(ct);
        try
        {
            if (!_bucketChecked)
            {
                try
                {
                    await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, ct);
                }
                catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists" || e.StatusCode == HttpStatusCode.Conflict)
                {
                }
                _bucketChecked = true;
            }
        }
        finally
        {
            _bucketReady.Release();
        }
    }

    /// <summary>The object's body; disposing it ends the response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _body = response.ResponseStream;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => _body.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => _body.ReadAsync(buffer, offset, count, ct);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _body.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
