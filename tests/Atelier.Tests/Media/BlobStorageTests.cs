using System.Security.Cryptography;
using Atelier.Platform.Storage;

namespace Atelier.Tests.Media;

/// <summary>The same storage contract on local disk and on a real S3-compatible server.</summary>
public abstract class BlobStorageTests : IAsyncLifetime
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "atelier-blobs-" + Guid.NewGuid().ToString("N")[..8]);
    private IBlobStorage _storage = null!;

    protected abstract Task<IBlobStorage> CreateAsync(string scratch);

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        _storage = await CreateAsync(_scratch);
    }

    public ValueTask DisposeAsync()
    {
        (_storage as IDisposable)?.Dispose();
        Directory.Delete(_scratch, recursive: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private async Task<(string Key, byte[] Bytes)> PutAsync(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var file = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, bytes);
        var key = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await _storage.PutFileAsync(key, file, "application/octet-stream", CancellationToken.None);
        File.Exists(file).ShouldBeFalse("the store takes the file over");
        return (key, bytes);
    }

    private async Task<byte[]> ReadAsync(string key, long offset, long? length)
    {
        await using var stream = await _storage.OpenReadAsync(key, offset, length, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task StoredBytes_ReadBackWhole_AndByRange()
    {
        var (key, bytes) = await PutAsync(300_000);

        (await _storage.ExistsAsync(key, CancellationToken.None)).ShouldBeTrue();
        (await ReadAsync(key, 0, null)).ShouldBe(bytes);
        (await ReadAsync(key, 1000, 5000)).ShouldBe(bytes[1000..6000]);
        (await ReadAsync(key, 299_990, null)).ShouldBe(bytes[299_990..]);
    }

    [Fact]
    public async Task TheSameBytesTwice_AreStoredOnce_AndDeleteRemovesThem()
    {
        var (key, bytes) = await PutAsync(10_000, seed: 7);
        var (again, _) = await PutAsync(10_000, seed: 7);
        again.ShouldBe(key);

        var local = await _storage.GetLocalFileAsync(key, Path.Combine(_scratch, "copy"), CancellationToken.None);
        (await File.ReadAllBytesAsync(local)).ShouldBe(bytes);

        await _storage.DeleteAsync(key, CancellationToken.None);
        (await _storage.ExistsAsync(key, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task ALargeFile_IsStoredInParts_AndReadsBackExactly()
    {
        var (key, bytes) = await PutAsync(33 * 1024 * 1024 + 17, seed: 3);

        (await ReadAsync(key, 0, null)).Length.ShouldBe(bytes.Length);
        (await ReadAsync(key, 32 * 1024 * 1024 - 5, 10)).ShouldBe(bytes[(32 * 1024 * 1024 - 5)..(32 * 1024 * 1024 + 5)]);
        (await ReadAsync(key, bytes.Length - 17, null)).ShouldBe(bytes[^17..]);
    }

    [Fact]
    public async Task KeysThatAreNotHashes_AreRefused_SoNoPathComesFromOutside()
    {
        await Should.ThrowAsync<ArgumentException>(() => _storage.ExistsAsync("../../etc/passwd", CancellationToken.None));
        await Should.ThrowAsync<ArgumentException>(() => _storage.OpenReadAsync(new string('A', 64), 0, null, CancellationToken.None));
    }
}

public sealed class BlobStorageTests_Local : BlobStorageTests
{
    protected override Task<IBlobStorage> CreateAsync(string scratch) =>
        Task.FromResult<IBlobStorage>(new LocalBlobStorage(Path.Combine(scratch, "store")));
}

public sealed class BlobStorageTests_S3 : BlobStorageTests
{
    protected override async Task<IBlobStorage> CreateAsync(string scratch) => new S3BlobStorage((await S3Server.GetAsync()).NewBucket());
}
