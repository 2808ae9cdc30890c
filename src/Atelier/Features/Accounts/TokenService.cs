using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Features.Accounts;

/// <summary>
/// The HMAC key that signs access tokens: <c>Atelier:Auth:SigningKey</c> (base64, at least 32 bytes) when set,
/// otherwise one generated on first use and kept in the database so every instance shares it.
/// </summary>
internal sealed class SigningKeyProvider(IConfiguration configuration, IDbContextFactory<AppDb> dbFactory)
{
    private const string KeyName = "jwt-signing-key";
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => Load(configuration, dbFactory));

    public SymmetricSecurityKey Key => _key.Value;

    private static SymmetricSecurityKey Load(IConfiguration configuration, IDbContextFactory<AppDb> dbFactory)
    {
        var configured = configuration["Atelier:Auth:SigningKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new SymmetricSecurityKey(Convert.FromBase64String(configured));
        }
        using var db = dbFactory.CreateDbContext();
        var stored = db.Keys.AsNoTracking().Where(k => k.Name == KeyName).Select(k => k.Value).FirstOrDefault();
        if (stored is null)
        {
            try
            {
                db.Keys.Add(new StoredKey { Name = KeyName, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)), CreatedAt = DateTime.UtcNow });
                db.SaveChanges();
            }
            catch (DbUpdateException)
            {
                // Another instance stored its key first; use that one.
            }
            stored = db.Keys.AsNoTracking().Where(k => k.Name == KeyName).Select(k => k.Value).First();
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(stored));
    }
}

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

internal sealed class TokenService(SigningKeyProvider keys, IOptions<AtelierOptions> options, TimeProvider time)
{
    public const string Issuer = "atelier";
    public const string Audience = "atelier";

    public string CreateAccessToken(User user)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.Auth.AccessTokenLifetime,
            Subject = Principal.Identity(user, "Bearer"),
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A new random refresh token and the hash that is stored in its place.</summary>
    public static (string Token, string Hash) NewOpaqueToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}

/// <summary>The claims of a signed-in user, the same short names in JWTs and in the sign-in cookie.</summary>
internal static class Principal
{
    public const string IdType = "sub";
    public const string NameType = "name";
    public const string EmailType = "email";
    public const string RoleType = "role";

    public static ClaimsIdentity Identity(User user, string authenticationType) => new(
    [
        new Claim(IdType, user.Id.ToString()),
        new Claim(NameType, user.DisplayName),
        new Claim(EmailType, user.Email),
        new Claim(RoleType, user.Role),
    ], authenticationType, NameType, RoleType);

    /// <summary>Owners and admins: they may manage everyone's content.</summary>
    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.IsInRole(Roles.Owner) || principal.IsInRole(Roles.Admin);

    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(IdType), out var id) ? id : null;
}
