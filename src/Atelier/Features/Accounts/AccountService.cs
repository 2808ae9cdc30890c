using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Platform;
using Atelier.Platform.Data;
using Atelier.Platform.Email;

namespace Atelier.Features.Accounts;

internal enum SignInStatus { Success, Invalid, NotConfirmed, LockedOut }

internal sealed record SignInOutcome(SignInStatus Status, User? User = null, TimeSpan RetryAfter = default);

/// <summary>Everything accounts do, shared by the JSON API, the server-rendered pages and the command line.</summary>
internal sealed class AccountService(
    AppDb db,
    IPasswordHasher<User> hasher,
    TokenService tokens,
    EmailOutbox mail,
    IOptions<AtelierOptions> options,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    public const string ConfirmEmailPurpose = "confirm-email";
    public const string ResetPasswordPurpose = "reset-password";
    private const string OwnerMutex = "setup:owner";
    private static readonly TimeSpan ConfirmCodeLifetime = TimeSpan.FromDays(2);
    private static readonly TimeSpan ResetCodeLifetime = TimeSpan.FromHours(2);

    // Verified against when the email is unknown, so a miss costs as much time as a hit.
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(null!, "atelier-timing-equaliser");

    private AtelierOptions O => options.Value;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task<User?> FindByEmailAsync(string email, CancellationToken ct)
    {
        var normalized = User.Normalize(email);
        return db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
    }

    /// <summary>Registers a member. The caller answers the same whether or not the address was taken.</summary>
    public async Task RegisterAsync(string email, string password, string displayName, CancellationToken ct)
    {
        var existing = await FindByEmailAsync(email, ct);
        var hash = hasher.HashPassword(null!, password);
        if (existing is not null)
        {
            if (existing.EmailConfirmed)
            {
                mail.Enqueue(db, new EmailMessage(existing.Email, "Someone tried to register with your address",
                    $"Hello {existing.DisplayName},\n\nSomeone (perhaps you) tried to create an Atelier account with this address, "
                    + $"which already has one. To sign in, go to {O.PublicUrl.TrimEnd('/')}/account/login. "
                    + "If you forgot your password, ask for a reset there.\n\nIf this was not you, you can ignore this message.\n"));
                await db.SaveChangesAsync(ct);
            }
            else
            {
                await SendConfirmationAsync(existing, ct);
            }
            return;
        }

        var user = new User
        {
            Email = email.Trim(),
            NormalizedEmail = User.Normalize(email),
            DisplayName = displayName.Trim(),
            PasswordHash = hash,
            Role = Roles.Member,
            CreatedAt = Now,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent registration of the same address won; it has its own confirmation mail.
            db.ChangeTracker.Clear();
            return;
        }
        await SendConfirmationAsync(user, ct);
    }

    public async Task ResendConfirmationAsync(string email, CancellationToken ct)
    {
        if (await FindByEmailAsync(email, ct) is { EmailConfirmed: false } user)
        {
            await SendConfirmationAsync(user, ct);
        }
    }

    private Task SendConfirmationAsync(User user, CancellationToken ct) =>
        SendCodeLinkAsync(user, ConfirmEmailPurpose, ConfirmCodeLifetime, code => $"/account/confirm-email?userId={user.Id}&code={code}",
            "Confirm your email address",
            link => $"Please confirm your Atelier account by opening this link:\n\n{link}\n\n"
                + "The link is valid for two days. If you did not register, ignore this message.\n", ct);

    /// <summary>Mails a link carrying a new one-time code (stored hashed) for <paramref name="purpose"/>.</summary>
    private async Task SendCodeLinkAsync(User user, string purpose, TimeSpan lifetime, Func<string, string> pathWithCode,
        string subject, Func<string, string> text, CancellationToken ct)
    {
        var code = await NewCodeAsync(user.Id, purpose, lifetime, ct);
        var link = O.PublicUrl.TrimEnd('/') + pathWithCode(Uri.EscapeDataString(code));
        mail.Enqueue(db, new EmailMessage(user.Email, subject, $"Hello {user.DisplayName},\n\n{text(link)}", link));
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> ConfirmEmailAsync(Guid userId, string code, CancellationToken ct)
    {
        if (!await UseCodeAsync(userId, ConfirmEmailPurpose, code, ct))
        {
            return false;
        }
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, true), ct);
        return true;
    }

    /// <summary>Checks a password, counting failures towards a lockout.</summary>
    public async Task<SignInOutcome> PasswordSignInAsync(string email, string password, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(null!, DummyHash, password);
            return new SignInOutcome(SignInStatus.Invalid);
        }
        var now = Now;
        if (user.LockoutEnd > now)
        {
            return new SignInOutcome(SignInStatus.LockedOut, RetryAfter: user.LockoutEnd.Value - now);
        }
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.AccessFailedCount++;
            if (user.AccessFailedCount >= O.Auth.MaxFailedAttempts)
            {
                user.AccessFailedCount = 0;
                user.LockoutEnd = now + O.Auth.LockoutDuration;
                logger.LogWarning("Account {UserId} locked after repeated failed sign-ins", user.Id);
                await db.SaveChangesAsync(ct);
                return new SignInOutcome(SignInStatus.LockedOut, RetryAfter: O.Auth.LockoutDuration);
            }
            await db.SaveChangesAsync(ct);
            return new SignInOutcome(SignInStatus.Invalid);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        await db.SaveChangesAsync(ct);
        return user.EmailConfirmed ? new SignInOutcome(SignInStatus.Success, user) : new SignInOutcome(SignInStatus.NotConfirmed, user);
    }

    /// <summary>Issues an access token and a refresh token; a new sign-in starts a new token family.</summary>
    public async Task<TokenPair> IssueTokensAsync(User user, Guid? familyId, CancellationToken ct)
    {
        var (refresh, hash) = TokenService.NewOpaqueToken();
        var now = Now;
        db.RefreshTokens.Add(new RefreshToken
        {
            UserId = user.Id,
            FamilyId = familyId ?? Guid.CreateVersion7(),
            TokenHash = hash,
            CreatedAt = now,
            ExpiresAt = now + O.Auth.RefreshTokenLifetime,
        });
        await db.SaveChangesAsync(ct);
        return new TokenPair(tokens.CreateAccessToken(user), refresh, (int)O.Auth.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>Rotates a refresh token. A token that was already used revokes its whole family (it was replayed).</summary>
    public async Task<TokenPair?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var hash = TokenService.Hash(refreshToken);
        var now = Now;
        var stored = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (stored is null)
        {
            return null;
        }
        if (stored.UsedAt is not null || stored.RevokedAt is not null)
        {
            await RevokeFamilyAsync(stored.FamilyId, ct);
            logger.LogWarning("Refresh token reuse for user {UserId}; token family {FamilyId} revoked", stored.UserId, stored.FamilyId);
            return null;
        }
        if (stored.ExpiresAt <= now)
        {
            return null;
        }
        // Only one of two concurrent refreshes with the same token can mark it used; the loser is a replay.
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (claimed == 0)
        {
            await RevokeFamilyAsync(stored.FamilyId, ct);
            return null;
        }
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == stored.UserId, ct);
        return user is null ? null : await IssueTokensAsync(user, stored.FamilyId, ct);
    }

    public async Task LogoutAsync(string refreshToken, CancellationToken ct)
    {
        var hash = TokenService.Hash(refreshToken);
        var family = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.FamilyId).SingleOrDefaultAsync(ct);
        if (family is { } id)
        {
            await RevokeFamilyAsync(id, ct);
        }
    }

    private Task<int> RevokeFamilyAsync(Guid familyId, CancellationToken ct)
    {
        var now = Now;
        return db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
    }

    public async Task ForgotPasswordAsync(string email, CancellationToken ct)
    {
        if (await FindByEmailAsync(email, ct) is not { } user)
        {
            return;
        }
        await SendCodeLinkAsync(user, ResetPasswordPurpose, ResetCodeLifetime,
            code => $"/account/reset-password?email={Uri.EscapeDataString(user.Email)}&code={code}", "Reset your password",
            link => $"To choose a new Atelier password, open this link:\n\n{link}\n\n"
                + "The link is valid for two hours. If you did not ask for it, ignore this message; your password stays as it is.\n", ct);
    }

    /// <summary>Sets a new password with a reset code; every refresh token of the user stops working.</summary>
    public async Task<bool> ResetPasswordAsync(string email, string code, string newPassword, CancellationToken ct)
    {
        if (await FindByEmailAsync(email, ct) is not { } user || !await UseCodeAsync(user.Id, ResetPasswordPurpose, code, ct))
        {
            return false;
        }
        user.PasswordHash = hasher.HashPassword(user, newPassword);
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        user.EmailConfirmed = true; // the code arrived by email, which proves the address
        await db.SaveChangesAsync(ct);
        var now = Now;
        await db.RefreshTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        return true;
    }

    public Task<bool> OwnerExistsAsync(CancellationToken ct) => db.Users.AnyAsync(u => u.Role == Roles.Owner, ct);

    /// <summary>Creates the first owner, confirmed. Returns an error message when there already is one or the address is taken.</summary>
    public async Task<string?> CreateOwnerAsync(string email, string password, string displayName, CancellationToken ct)
    {
        if (await OwnerExistsAsync(ct))
        {
            return "An owner already exists.";
        }
        if (await FindByEmailAsync(email, ct) is not null)
        {
            return "That email address is already registered.";
        }
        db.Users.Add(new User
        {
            Email = email.Trim(),
            NormalizedEmail = User.Normalize(email),
            DisplayName = displayName.Trim(),
            PasswordHash = hasher.HashPassword(null!, password),
            EmailConfirmed = true,
            Role = Roles.Owner,
            CreatedAt = Now,
        });
        // A fixed key inserted with the owner: of two set-ups racing, only one can commit.
        db.Keys.Add(new StoredKey { Name = OwnerMutex, Value = email.Trim(), CreatedAt = Now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return "An owner already exists.";
        }
        return null;
    }

    private async Task<string> NewCodeAsync(Guid userId, string purpose, TimeSpan lifetime, CancellationToken ct)
    {
        var (code, hash) = TokenService.NewOpaqueToken();
        var now = Now;
        // Keep the table small: expired codes of this user and purpose go.
        await db.UserCodes.Where(c => c.UserId == userId && c.Purpose == purpose && c.ExpiresAt < now).ExecuteDeleteAsync(ct);
        db.UserCodes.Add(new UserCode { UserId = userId, Purpose = purpose, CodeHash = hash, CreatedAt = now, ExpiresAt = now + lifetime });
        return code;
    }

    private async Task<bool> UseCodeAsync(Guid userId, string purpose, string code, CancellationToken ct)
    {
        var hash = TokenService.Hash(code);
        var now = Now;
        var used = await db.UserCodes
            .Where(c => c.UserId == userId && c.Purpose == purpose && c.CodeHash == hash && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        return used == 1;
    }
}
