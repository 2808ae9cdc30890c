namespace Atelier.Tests.Media;

/// <summary>Test hosts for the media library, with small upload limits so "too large" is quick to reach.</summary>
public abstract class MediaApp(Db db) : AtelierFactory(db)
{
    public const long SmallDocumentLimit = 256 * 1024;

    protected override IDictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Atelier:Media:MaxDocumentBytes"] = SmallDocumentLimit.ToString();
        return s;
    }

    /// <summary>Uploads one file to <c>/api/v1/media</c>; extra form fields and further files (a glTF's companions) optional.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, byte[] bytes,
        IDictionary<string, string>? fields = null, params (string Name, byte[] Bytes)[] companions)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), "file", fileName);
        foreach (var (name, content) in companions)
        {
            form.Add(new ByteArrayContent(content), "file", name);
        }
        foreach (var (key, value) in fields ?? new Dictionary<string, string>())
        {
            form.Add(new StringContent(value), key);
        }
        return await client.PostAsync("/api/v1/media", form);
    }

    /// <summary>Whether the app's store (local disk or S3) holds a blob.</summary>
    public Task<bool> BlobExistsAsync(string sha256) =>
        Services.GetRequiredService<Atelier.Platform.Storage.IBlobStorage>().ExistsAsync(sha256, CancellationToken.None);

    /// <summary>Polls an item until processing has finished (ready or failed).</summary>
    public static async Task<System.Text.Json.JsonElement> WaitUntilProcessedAsync(HttpClient client, string id)
    {
        for (var i = 0; i < 600; i++)
        {
            var item = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/media/{id}");
            if (item.GetProperty("status").GetString() != "Processing")
            {
                return item;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"media {id} was still processing after 60 s");
    }
}

public sealed class MediaSqliteApp() : MediaApp(Db.Sqlite);

/// <summary>The media library on SQLite with its bytes in a bucket of a real S3-compatible server.</summary>
public sealed class MediaS3App() : MediaApp(Db.Sqlite)
{
    private Atelier.Platform.Storage.S3Options? _bucket;

    public override async ValueTask InitializeAsync()
    {
        _bucket = (await S3Server.GetAsync()).NewBucket();
        await base.InitializeAsync();
    }

    protected override IDictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Atelier:Storage:Provider"] = "S3";
        s["Atelier:Storage:S3:ServiceUrl"] = _bucket!.ServiceUrl;
        s["Atelier:Storage:S3:Bucket"] = _bucket.Bucket;
        s["Atelier:Storage:S3:AccessKey"] = _bucket.AccessKey;
        s["Atelier:Storage:S3:SecretKey"] = _bucket.SecretKey;
        return s;
    }
}

public sealed class MediaPostgresApp() : MediaApp(Db.Postgres);
