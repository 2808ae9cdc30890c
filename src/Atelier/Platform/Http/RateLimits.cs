using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;

namespace Atelier.Platform.Http;

/// <summary>A global limit per signed-in user or client IP, and a strict one on authentication. Rejections are 429 problems with Retry-After.</summary>
internal static class RateLimits
{
    public const string AuthPolicy = "auth";

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<AtelierOptions>>((o, atelier) =>
        {
            var limits = atelier.Value.RateLimits;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (limits.GlobalPerMinute <= 0)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }
                var key = context.User.UserId() is { } id ? "user:" + id : "ip:" + ClientIp(context);
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(limits.GlobalPerMinute));
            });
            o.AddPolicy(AuthPolicy, context => limits.AuthPerMinute <= 0
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetFixedWindowLimiter("auth:" + ClientIp(context), _ => Window(limits.AuthPerMinute)));
            o.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    private static FixedWindowRateLimiterOptions Window(int perMinute) => new()
    {
        PermitLimit = perMinute,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static string ClientIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = 429,
                Title = "Too many requests.",
                Detail = $"Try again in {seconds} seconds.",
            },
        });
    }
}
