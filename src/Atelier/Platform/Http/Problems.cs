using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Atelier.Platform.Http;

/// <summary>
/// Turns what goes wrong before or inside a handler into RFC 9457 problem details: unreadable bodies are the
/// client's fault (4xx with the reason), anything else is logged and answered 500 without internals.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } =>
                (400, "The request body is not valid JSON.", Describe(json)),
            BadHttpRequestException bad when bad.StatusCode == 413 =>
                (413, "The request body is too large.", bad.Message),
            BadHttpRequestException bad =>
                (bad.StatusCode, "The request could not be read.", bad.Message),
            JsonException json => (400, "The request body is not valid JSON.", Describe(json)),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                (499, "Client closed request.", null),
            _ when DatabaseUnavailable(exception) =>
                (503, "The service is temporarily unavailable.", "The database cannot be reached right now; nothing was changed. Try again shortly."),
            _ => (500, "An unexpected error occurred.", null),
        };
        if (status == 503)
        {
            logger.LogWarning(exception, "Database unavailable for {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        if (context.Response.HasStarted)
        {
            return false;
        }
        context.Response.StatusCode = status;
        if (status == 503)
        {
            context.Response.Headers.RetryAfter = "5";
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>Connection-level database failures (server down, refusing connections, busy): the request may work again soon.</summary>
    internal static bool DatabaseUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Npgsql.PostgresException pg:
                    // 08 connection, 53 resources, 57 operator intervention, 55000 "database does not allow connections", 3D000 no such database.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("57", StringComparison.Ordinal) || pg.SqlState is "55000" or "3D000";
                case Npgsql.NpgsqlException:
                    return true; // not a server error: the connection itself failed
                case Microsoft.Data.Sqlite.SqliteException sqlite:
                    return sqlite.SqliteErrorCode is 5 or 6 or 14; // BUSY, LOCKED, CANTOPEN
                case TimeoutException:
                    return true;
            }
        }
        return false;
    }

    private static string Describe(JsonException json) =>
        json.Path is { Length: > 0 } path ? $"Invalid value at '{path}'." : "The JSON could not be parsed.";
}

/// <summary>Caps request bodies: JSON endpoints take at most <see cref="DefaultLimit"/> unless the endpoint says otherwise.</summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public const long DefaultLimit = 1024 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        // An endpoint's own limit wins; null there means "no limit" (uploads that enforce their own per-file limits).
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>();
        var limit = metadata is null ? DefaultLimit : metadata.MaxRequestBodySize;
        if (limit is { } max && context.Request.ContentLength > max)
        {
            return Results.Problem(statusCode: 413, title: "The request body is too large.",
                detail: $"The limit for this endpoint is {limit} bytes.").ExecuteAsync(context);
        }
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }
        return next(context);
    }
}

/// <summary>A problem-details answer from a Razor page handler (the editor's fetch calls), written like the API's.</summary>
internal sealed class PageProblem(int status, string title, string? detail = null) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context.HttpContext);
}
