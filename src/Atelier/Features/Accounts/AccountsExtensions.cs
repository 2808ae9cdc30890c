using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Atelier.Features.Accounts;

public static class AccountsExtensions
{
    /// <summary>API callers: a valid bearer token.</summary>
    public const string ApiUser = "api-user";

    /// <summary>API callers who may write content: Owner, Admin or Author.</summary>
    public const string ApiAuthor = "api-author";

    /// <summary>API callers with the Owner or Admin role.</summary>
    public const string ApiAdmin = "api-admin";

    /// <summary>Signed-in (cookie) Owner or Admin, for the server-rendered admin panel.</summary>
    public const string SiteAdmin = "site-admin";

    /// <summary>Signed-in (cookie) Owner, Admin or Author, for the post editor pages.</summary>
    public const string SiteAuthor = "site-author";

    private const string SignedIn = "signed-in";

    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<AccountService>();
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();

        // Requests carrying a bearer token are authenticated by it (so limits and logs know the user); others by cookie.
        services.AddAuthentication(SignedIn)
            .AddPolicyScheme(SignedIn, "Bearer token or cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || HubToken(context) is not null
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/access-denied";
                o.Cookie.Name = "atelier.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
            })
            .AddJwtBearer(o => o.MapInboundClaims = false);
        // The signing key may live in the database, so it is read when the first token is checked, not at start-up.
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();

        services.AddAuthorizationBuilder()
            .AddPolicy(ApiUser, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser())
            .AddPolicy(ApiAuthor, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireRole(Roles.Owner, Roles.Admin, Roles.Author))
            .AddPolicy(ApiAdmin, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireRole(Roles.Owner, Roles.Admin))
            .AddPolicy(SiteAdmin, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireRole(Roles.Owner, Roles.Admin))
            .AddPolicy(SiteAuthor, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireRole(Roles.Owner, Roles.Admin, Roles.Author));
        return builder;
    }

    /// <summary>
    /// Requires a bearer-token policy and documents what a caller without it gets: 401, and 403 when the policy
    /// asks for a role.
    /// </summary>
    public static TBuilder RequireApi<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization(policy).ProducesProblem(StatusCodes.Status401Unauthorized);
        return policy == ApiUser ? builder : builder.ProducesProblem(StatusCodes.Status403Forbidden);
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        AccountsApi.Map(api);
        return app;
    }

    /// <summary>
    /// Browsers cannot set headers on a WebSocket, so real-time hubs (<c>/hubs/…</c>) take the bearer token from the
    /// <c>access_token</c> query parameter; nowhere else does.
    /// </summary>
    private static string? HubToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"].ToString() is { Length: > 0 } token ? token : null;

    private sealed class JwtBearerSetup(SigningKeyProvider keys) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }
            options.TokenValidationParameters = new Microsoft.IdentityModel.Tokens.TokenValidationParameters
            {
                ValidIssuer = TokenService.Issuer,
                ValidAudience = TokenService.Audience,
                NameClaimType = Principal.NameType,
                RoleClaimType = Principal.RoleType,
                ClockSkew = TimeSpan.FromSeconds(30),
                IssuerSigningKeyResolver = (_, _, _, _) => [keys.Key],
            };
            options.Events ??= new JwtBearerEvents();
            options.Events.OnMessageReceived = context =>
            {
                if (string.IsNullOrEmpty(context.Token) && HubToken(context.HttpContext) is { } token)
                {
                    context.Token = token;
                }
                return Task.CompletedTask;
            };
        }
    }
}
