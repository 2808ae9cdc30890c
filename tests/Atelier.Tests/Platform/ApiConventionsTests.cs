using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Atelier.Tests.Platform;

public abstract class ApiConventionsTests(AtelierFactory app)
{
    /// <summary>Every API route with its method, route parameters filled in.</summary>
    private List<(string Method, string Path, bool Excluded)> ApiRoutes()
    {
        var sources = app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (
                Method: m,
                Path: "/" + System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!.TrimStart('/'), @"\{[^}]+\}", Guid.NewGuid().ToString()),
                Excluded: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true)))
            .ToList();
    }

    public static readonly TheoryData<string, string> MalformedBodies = new()
    {
        { "truncated JSON", "{\"email\":" },
        { "not JSON", "hello there" },
        { "an array", "[1,2,3]" },
        { "null", "null" },
        { "empty", "" },
        { "wrong types", "{\"email\":123,\"password\":[true],\"displayName\":{},\"refreshToken\":5,\"userId\":\"nope\",\"code\":false,\"role\":7,\"newPassword\":1.5}" },
        { "missing fields", "{}" },
        { "deeply nested", new string('[', 5000) + new string(']', 5000) },
        { "huge string", "{\"email\":\"" + new string('a', 200_000) + "@x.org\",\"password\":\"" + new string('b', 100_000) + "\"}" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task EveryApiRoute_WithMalformedBody_Answers4xxProblem_NeverA5xx(string label, string body)
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        var routes = ApiRoutes().Where(r => r.Method is "POST" or "PUT" or "PATCH").ToList();
        routes.Count.ShouldBeGreaterThanOrEqualTo(11);

        foreach (var (method, path, _) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            status.ShouldBeInRange(400, 499, $"{method} {path} with {label} answered {status}: {await response.Content.ReadAsStringAsync()}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{method} {path} with {label}");
        }
    }

    [Fact]
    public async Task EveryApiRoute_WithWrongContentTypeOrGarbageQuery_NeverAnswers5xx()
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        foreach (var (method, path, _) in ApiRoutes())
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path + "?limit=abc&cursor=%FF%FE&status=zzz")
            {
                Content = method == "GET" ? null : new StringContent("email=a", Encoding.UTF8, "text/plain"),
            };
            var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            status.ShouldBeLessThan(500, $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
            if (method != "GET")
            {
                // A text/plain body where JSON is expected is refused, never guessed at.
                status.ShouldBeInRange(400, 499, $"{method} {path}");
            }
            if (status >= 400)
            {
                response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{method} {path}");
            }
        }
    }

    [Fact]
    public async Task OversizedBody_Is413Problem()
    {
        var client = app.CreateClient();
        var body = "{\"email\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        var response = await client.PostAsync("/api/v1/auth/login", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task UnknownApiRoute_Is404Problem_AndUnknownPageIsAnHtmlPage()
    {
        var client = app.CreateClient();
        var api = await client.GetAsync("/api/v1/does-not-exist");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var page = await client.GetAsync("/no/such/page");
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsStringAsync()).ShouldContain("Page not found");
    }

    [Fact]
    public async Task OpenApi_Is31_AndListsEveryRouteWithRequestAndResponseSchemas()
    {
        var client = app.CreateClient();
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        doc.GetProperty("openapi").GetString()!.ShouldStartWith("3.1");
        var paths = doc.GetProperty("paths");

        var routes = ApiRoutes().Where(r => !r.Excluded).ToList();
        routes.ShouldNotBeEmpty();
        var sources = app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
                     .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/v1", StringComparison.Ordinal)))
        {
            var template = "/" + System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), @"\{([^}:]+)(:[^}]+)?\}", "{$1}").TrimEnd('/');
            paths.TryGetProperty(template, out var item).ShouldBeTrue($"{template} missing from the OpenAPI document");
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
            {
                item.TryGetProperty(method.ToLowerInvariant(), out var operation).ShouldBeTrue($"{method} {template} missing");
                var responses = operation.GetProperty("responses");
                responses.EnumerateObject().Any(r => r.Value.TryGetProperty("content", out _) || r.Name is "202" or "204")
                    .ShouldBeTrue($"{method} {template} documents no response");
                if (method is "POST" or "PUT" or "PATCH" && endpoint.Metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().Any())
                {
                    // JSON bodies, or a multipart form for uploads.
                    var content = operation.GetProperty("requestBody").GetProperty("content");
                    var body = content.TryGetProperty("application/json", out var json) ? json : content.GetProperty("multipart/form-data");
                    body.GetProperty("schema").ValueKind.ShouldBe(JsonValueKind.Object, $"{method} {template} has no request schema");
                }
                // Errors are documented as problem details.
                responses.EnumerateObject().ShouldContain(r => r.Name.StartsWith('4'), $"{method} {template} documents no error");
            }
        }
        doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString().ShouldBe("bearer");

        var docs = await client.GetAsync("/api/docs/index.html");
        docs.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await docs.Content.ReadAsStringAsync()).ShouldContain("swagger-ui");
    }

    [Fact]
    public async Task Metrics_ExposeRequestDurationsByRoute_ActiveRequests_Jobs_GcAndThreadPool()
    {
        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        (await app.CreateClient(owner.AccessToken).GetAsync("/api/v1/me")).EnsureSuccessStatusCode();

        var response = await client.GetAsync("/metrics");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        text.ShouldMatch("http_server_request_duration_seconds_bucket\\{[^}]*http_route=\"/api/v1/me\"[^}]*le=\"\\+Inf\"\\} [1-9]");
        text.ShouldContain("http_server_request_duration_seconds_count{");
        text.ShouldContain("# TYPE http_server_active_requests gauge");
        text.ShouldContain("atelier_jobs{status=\"pending\"}");
        text.ShouldContain("atelier_jobs{status=\"dead\"}");
        text.ShouldContain("dotnet_gc_collections_total");
        text.ShouldContain("dotnet_thread_pool_thread_count");
    }

    [Fact]
    public async Task Health_LiveAndReady_ReportEachCheckAsJson()
    {
        var client = app.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().ShouldBe("Healthy");
        body.GetProperty("checks").GetProperty("jobs").GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task Pages_CarrySecurityHeaders_AndAreCompressed()
    {
        var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("script-src 'self'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("strict-origin-when-cross-origin");
        response.Content.Headers.ContentEncoding.ShouldContain("br");
    }

    [Fact]
    public async Task ForwardedHeaders_FromTheLocalProxy_SetSchemeAndHost()
    {
        // The admin status page and emails use PublicUrl; here the request itself must see the proxy's scheme.
        var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await client.SendAsync(request);
        // HSTS is only sent over HTTPS outside development: its presence shows the forwarded scheme was honoured.
        response.Headers.Contains("Strict-Transport-Security").ShouldBe(true);
    }
}

public sealed class ApiConventionsTests_Sqlite(SqliteApp app) : ApiConventionsTests(app), IClassFixture<SqliteApp>;

public sealed class ApiConventionsTests_Postgres(PostgresApp app) : ApiConventionsTests(app), IClassFixture<PostgresApp>;
