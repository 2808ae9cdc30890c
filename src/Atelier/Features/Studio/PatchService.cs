using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Atelier.Features.Publishing;
using Atelier.Platform.Data;

namespace Atelier.Features.Studio;

/// <summary>A refused request: the status, a title a person can act on, and field (JSON path) errors for 400s.</summary>
internal sealed record PatchError(int Status, string Title, string? Detail = null, Dictionary<string, string[]>? Errors = null)
{
    public static PatchError NotFound() => new(404, "There is no such patch.", "It does not exist, or it is private.");

    public static PatchError Field(string field, string message) => new(400, "The request is not valid.", null, new() { [field] = [message] });
}

/// <summary>
/// The patches: reads filtered by who may see them (private: the owner; unlisted and public: anyone) in the query
/// itself, writes by the owner only, with versions (docs/patch-format.md, the studio API contract).
/// </summary>
internal sealed class PatchService(AppDb db, PatchValidator validator, TimeProvider clock)
{
    public const int MaxVersions = 100;

    /// <summary>An autosave folds into the newest version while it is the same author's and younger than this.</summary>
    public static readonly TimeSpan CoalesceWindow = TimeSpan.FromMinutes(10);

    public const string EmptyDocument = """{"format":"atelier.patch","version":1,"nodes":[],"edges":[],"modules":[],"controls":[]}""";

    /// <summary>The time in whole microseconds, as the databases keep it, so an answer built from it equals a later read.</summary>
    private DateTime Now => clock.GetUtcNow().UtcDateTime is var t ? t.AddTicks(-(t.Ticks % 10)) : default;

    /// <summary>The patches <paramref name="me"/> may read.</summary>
    private IQueryable<Patch> Readable(Guid? me) =>
        db.Patches.Where(p => p.Visibility != PatchVisibility.Private || p.OwnerId == me);

    /// <summary>A patch with what every answer shows of it: its summary (owner's name, the fork origin the reader may see).</summary>
    private sealed class Row
    {
        public required Patch Patch { get; init; }
        public required PatchSummary Summary { get; init; }
    }

    private IQueryable<Row> Rows(IQueryable<Patch> patches, Guid? me) =>
        from p in patches
        join u in db.Users on p.OwnerId equals u.Id
        join f in db.Patches on p.ForkedFromId equals f.Id into forks
        from f in forks.Where(f => f.Visibility != PatchVisibility.Private || f.OwnerId == me).DefaultIfEmpty()
        select new Row
        {
            Patch = p,
            Summary = new PatchSummary(p.Id, p.Slug, p.Name, p.Description, Lower(p.Visibility), p.Version, p.NodeCount,
                new PatchPerson(u.Id, u.DisplayName), f == null ? null : new PatchOrigin(f.Id, f.Slug, f.Name), p.CreatedAt, p.UpdatedAt),
        };

    private IQueryable<PatchSummary> Summaries(IQueryable<Patch> patches, Guid? me) => Rows(patches, me).Select(r => r.Summary);

    private static string Lower(PatchVisibility v) => v == PatchVisibility.Public ? "public" : v == PatchVisibility.Unlisted ? "unlisted" : "private";

    public async Task<(List<PatchSummary> Items, bool More)> ListAsync(Guid? me, bool mine, string? q, (DateTime Key, Guid Id)? after, int limit, CancellationToken ct)
    {
        var patches = mine ? db.Patches.Where(p => p.OwnerId == me) : db.Patches.Where(p => p.Visibility == PatchVisibility.Public);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim().ToLowerInvariant();
            patches = patches.Where(p => p.Name.ToLower().Contains(term) || p.Description.ToLower().Contains(term));
        }
        if (after is var (key, id))
        {
            patches = patches.Where(p => p.UpdatedAt < key || (p.UpdatedAt == key && p.Id.CompareTo(id) < 0));
        }
        var rows = await Summaries(patches.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Id).Take(limit + 1), me)
            .AsNoTracking().ToListAsync(ct);
        // The join does not keep the order of the inner query on every provider.
        rows = [.. rows.OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id)];
        var more = rows.Count > limit;
        return (more ? rows[..limit] : rows, more);
    }

    public async Task<PatchDetail?> GetAsync(Guid? me, Guid? id, string? slug, CancellationToken ct)
    {
        var patches = id is { } key ? Readable(me).Where(p => p.Id == key) : Readable(me).Where(p => p.Slug == slug);
        var row = await Rows(patches, me).Select(r => new { r.Summary, r.Patch.Document }).AsNoTracking().FirstOrDefaultAsync(ct);
        return row is null ? null : Detail(row.Summary, row.Document, me);
    }

    private static PatchDetail Detail(PatchSummary s, string document, Guid? me) =>
        new(s.Id, s.Slug, s.Name, s.Description, s.Visibility, s.Version, s.NodeCount, s.Owner, s.ForkedFrom, s.CreatedAt, s.UpdatedAt,
            document, s.Owner.Id == me);

    private async Task<PatchDetail> DetailAsync(Guid me, Patch patch, CancellationToken ct)
    {
        var summary = await Summaries(db.Patches.Where(p => p.Id == patch.Id), me).AsNoTracking().SingleAsync(ct);
        return Detail(summary, patch.Document, me);
    }

    public Task<(PatchDetail? Patch, PatchError? Error)> CreateAsync(Guid me, NewPatch request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = Name(request.Name, errors);
        var description = Description(request.Description, errors);
        var visibility = Visibility(request.Visibility, PatchVisibility.Private, errors);
        PatchCheck? check = null;
        if (request.Document is { } document)
        {
            check = validator.Validate(document);
            AddDocumentErrors(check, errors);
        }
        if (errors.Count > 0)
        {
            return Task.FromResult<(PatchDetail?, PatchError?)>((null, new PatchError(400, "The patch is not valid.", null, errors)));
        }
        return AddAsync(me, name!, description, visibility, check?.Document ?? EmptyDocument,
            check?.NodeCount ?? 0, forkedFrom: null, ct);
    }

    /// <summary>An exported document as a new private patch.</summary>
    public Task<(PatchDetail? Patch, PatchError? Error)> ImportAsync(Guid me, string? name, byte[] body, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var title = Name(string.IsNullOrWhiteSpace(name) ? "Imported patch" : name, errors, "name");
        var check = validator.Validate(body);
        AddDocumentErrors(check, errors, prefix: "");
        return errors.Count > 0
            ? Task.FromResult<(PatchDetail?, PatchError?)>((null, new PatchError(400, "The patch is not valid.", null, errors)))
            : AddAsync(me, title!, "", PatchVisibility.Private, check.Document!, check.NodeCount, forkedFrom: null, ct);
    }

    public async Task<(PatchDetail? Patch, PatchError? Error)> ForkAsync(Guid me, Guid id, string? name, CancellationToken ct)
    {
        var original = await Readable(me).AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Name, p.Description, p.Document, p.NodeCount }).SingleOrDefaultAsync(ct);
        if (original is null)
        {
            return (null, PatchError.NotFound());
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var title = Name(name ?? Clip($"{original.Name} (fork)", PatchLimits.MaxName), errors);
        return errors.Count > 0
            ? (null, new PatchError(400, "The fork is not valid.", null, errors))
            : await AddAsync(me, title!, original.Description, PatchVisibility.Private, original.Document, original.NodeCount, id, ct);
    }

    private async Task<(PatchDetail?, PatchError?)> AddAsync(Guid me, string name, string description, PatchVisibility visibility,
        string document, int nodeCount, Guid? forkedFrom, CancellationToken ct)
    {
        var now = Now;
        // Two patches created at once may pick the same free slug; the unique index refuses the second, which tries again.
        for (var attempt = 0; ; attempt++)
        {
            var patch = new Patch
            {
                OwnerId = me, Name = name, Slug = await FreeSlugAsync(name, ct), Description = description, Visibility = visibility,
                Document = document, Version = 1, NodeCount = nodeCount, ForkedFromId = forkedFrom, CreatedAt = now, UpdatedAt = now,
            };
            db.Patches.Add(patch);
            db.PatchVersions.Add(new PatchVersion { PatchId = patch.Id, Number = 1, Name = name, Document = document, NodeCount = nodeCount, AuthorId = me, CreatedAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
                return (await DetailAsync(me, patch, ct), null);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>A slug from the name (any script's letters and digits), unique with -2, -3… when taken.</summary>
    private async Task<string> FreeSlugAsync(string name, CancellationToken ct)
    {
        var slug = Slugs.From(name);
        slug = slug == "note" && !name.Contains("note", StringComparison.OrdinalIgnoreCase) ? "patch" : slug;
        slug = Clip(slug, PatchLimits.MaxSlug - 8).TrimEnd('-');
        var prefix = slug + "-";
        var taken = (await db.Patches.AsNoTracking().Where(p => p.Slug == slug || p.Slug.StartsWith(prefix)).Select(p => p.Slug).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(slug))
        {
            return slug;
        }
        for (var n = 2; ; n++)
        {
            if (!taken.Contains($"{slug}-{n}"))
            {
                return $"{slug}-{n}";
            }
        }
    }

    /// <summary>
    /// What a save needs of the patch, read in one query without its document: the current state, the owner's name and
    /// the fork origin for the answer, and who wrote the newest version and when (whether an autosave may fold into it).
    /// </summary>
    private sealed record SaveTarget(
        PatchSummary Summary, Guid OwnerId, PatchVisibility Visibility, Guid? NewestAuthor, DateTime? NewestCreatedAt);

    private Task<SaveTarget?> SaveTargetAsync(Guid me, Guid id, CancellationToken ct) =>
        (from r in Rows(Readable(me).Where(p => p.Id == id), me)
         join v in db.PatchVersions on new { PatchId = r.Patch.Id, Number = r.Patch.Version } equals new { v.PatchId, v.Number } into newest
         from v in newest.DefaultIfEmpty()
         select new SaveTarget(r.Summary, r.Patch.OwnerId, r.Patch.Visibility,
             v == null ? null : (Guid?)v.AuthorId, v == null ? null : (DateTime?)v.CreatedAt))
        .AsNoTracking().FirstOrDefaultAsync(ct);

    public async Task<(PatchDetail? Patch, PatchError? Error)> UpdateAsync(Guid me, Guid id, PatchUpdate request, CancellationToken ct)
    {
        // The document is checked while the patch is read: the query is in flight on the database during the check.
        var reading = SaveTargetAsync(me, id, ct);
        var check = request.Document is { } document ? validator.Validate(document) : null;
        var target = await reading;
        if (target is null)
        {
            return (null, PatchError.NotFound());
        }
        if (target.OwnerId != me)
        {
            return (null, new PatchError(403, "Only the owner can change this patch.", "Fork it to make a copy of your own."));
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = Name(request.Name, errors);
        var description = request.Description is null ? target.Summary.Description : Description(request.Description, errors);
        var visibility = Visibility(request.Visibility, target.Visibility, errors);
        if (check is null)
        {
            errors["document"] = ["document: is required (the whole patch document)."];
        }
        else
        {
            AddDocumentErrors(check, errors);
        }
        if (errors.Count > 0)
        {
            return (null, new PatchError(400, "The patch is not valid.", null, errors));
        }
        if (request.BaseVersion is { } baseVersion && baseVersion != target.Summary.Version)
        {
            return (null, Stale(target.Summary.Version));
        }
        return await SaveVersionAsync(me, target, name!, description, visibility, check!.Document!, check.NodeCount, request.Checkpoint ?? true, ct);
    }

    private static PatchError Stale(int current) => new(409, "The patch was saved elsewhere since you opened it.",
        $"It is at version {current} now. Reload it (or fork your copy) before saving.");

    /// <summary>
    /// Writes the new state and its version in one batch, without reading the document back: a checkpoint appends a
    /// version; an autosave folds into the newest while that is the same author's and younger than the window. The
    /// patch row is updated only if its version is still the one read (another save in between → 409).
    /// </summary>
    private async Task<(PatchDetail?, PatchError?)> SaveVersionAsync(Guid me, SaveTarget target, string name, string description,
        PatchVisibility visibility, string document, int nodeCount, bool checkpoint, CancellationToken ct)
    {
        var now = Now;
        var current = target.Summary;
        var fold = !checkpoint && target.NewestAuthor == me && target.NewestCreatedAt is { } createdAt && now - createdAt < CoalesceWindow;
        // Written without reading the rows: attached as they are to become, the changed columns marked for the UPDATE;
        // the patch's Version keeps the value read, which the UPDATE checks (concurrency token).
        var patch = new Patch
        {
            Id = current.Id, OwnerId = target.OwnerId, Slug = current.Slug, Version = current.Version, Name = name, Description = description,
            Visibility = visibility, Document = document, NodeCount = nodeCount, UpdatedAt = now,
        };
        var row = db.Patches.Attach(patch);
        MarkModified(row, nameof(Patch.Name), nameof(Patch.Description), nameof(Patch.Visibility), nameof(Patch.Document),
            nameof(Patch.NodeCount), nameof(Patch.UpdatedAt));
        if (fold)
        {
            // The version keeps its creation time, so a long session of autosaves still leaves a version every 10 minutes.
            var newest = db.PatchVersions.Attach(new PatchVersion
            {
                PatchId = current.Id, Number = current.Version, Name = name, Document = document, NodeCount = nodeCount,
            });
            MarkModified(newest, nameof(PatchVersion.Name), nameof(PatchVersion.Document), nameof(PatchVersion.NodeCount));
        }
        else
        {
            patch.Version++;
            row.Property(p => p.Version).IsModified = true;
            db.PatchVersions.Add(new PatchVersion { PatchId = current.Id, Number = patch.Version, Name = name, Document = document, NodeCount = nodeCount, AuthorId = me, CreatedAt = now });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another save took this version number (or changed the patch) first.
            var version = await db.Patches.Where(p => p.Id == current.Id).Select(p => p.Version).SingleOrDefaultAsync(ct);
            return (null, Stale(version));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
        // Old versions go in batches: reads already hide all but the newest MaxVersions (VisibleVersions).
        if (patch.Version % PruneEvery == 0 && patch.Version > MaxVersions)
        {
            var oldest = patch.Version - MaxVersions;
            await db.PatchVersions.Where(v => v.PatchId == current.Id && v.Number <= oldest).ExecuteDeleteAsync(ct);
        }
        var saved = current with
        {
            Name = name, Description = description, Visibility = Lower(visibility), Version = patch.Version, NodeCount = nodeCount, UpdatedAt = now,
        };
        return (Detail(saved, document, me), null);
    }

    private static void MarkModified(EntityEntry entry, params ReadOnlySpan<string> properties)
    {
        foreach (var property in properties)
        {
            entry.Property(property).IsModified = true;
        }
    }

    /// <summary>Versions are deleted every this many; until then the older ones are kept but not shown.</summary>
    private const int PruneEvery = 10;

    /// <summary>The versions of patch <paramref name="id"/> still shown: the newest <see cref="MaxVersions"/>.</summary>
    private IQueryable<PatchVersion> VisibleVersions(Guid? me, Guid id) =>
        from v in db.PatchVersions
        join p in Readable(me) on v.PatchId equals p.Id
        where v.PatchId == id && v.Number > p.Version - MaxVersions
        select v;

    public async Task<PatchError?> DeleteAsync(Guid me, Guid id, CancellationToken ct)
    {
        var owner = await Readable(me).Where(p => p.Id == id).Select(p => (Guid?)p.OwnerId).SingleOrDefaultAsync(ct);
        if (owner is null)
        {
            return PatchError.NotFound();
        }
        if (owner != me)
        {
            return new PatchError(403, "Only the owner can delete this patch.");
        }
        await db.Patches.Where(p => p.Id == id && p.OwnerId == me).ExecuteDeleteAsync(ct);
        return null;
    }

    public async Task<PatchVersionList?> VersionsAsync(Guid? me, Guid id, CancellationToken ct)
    {
        if (!await Readable(me).AnyAsync(p => p.Id == id, ct))
        {
            return null;
        }
        var items = await (from v in VisibleVersions(me, id)
                           join u in db.Users on v.AuthorId equals u.Id into authors
                           from u in authors.DefaultIfEmpty()
                           orderby v.Number descending
                           select new PatchVersionSummary(v.Number, v.Name, v.NodeCount, v.CreatedAt,
                               new PatchPerson(v.AuthorId, u == null ? "" : u.DisplayName)))
            .AsNoTracking().Take(MaxVersions).ToListAsync(ct);
        return new PatchVersionList(items);
    }

    public Task<PatchVersionDetail?> VersionAsync(Guid? me, Guid id, int number, CancellationToken ct) =>
        (from v in VisibleVersions(me, id)
         where v.Number == number
         select new PatchVersionDetail(v.Number, v.Name, v.Document, v.CreatedAt)).AsNoTracking().SingleOrDefaultAsync(ct);

    public async Task<(PatchDetail? Patch, PatchError? Error)> RestoreAsync(Guid me, Guid id, int number, CancellationToken ct)
    {
        var target = await SaveTargetAsync(me, id, ct);
        if (target is null)
        {
            return (null, PatchError.NotFound());
        }
        if (target.OwnerId != me)
        {
            return (null, new PatchError(403, "Only the owner can restore a version of this patch."));
        }
        var version = await VisibleVersions(me, id).AsNoTracking().Where(v => v.Number == number)
            .Select(v => new { v.Document, v.NodeCount }).SingleOrDefaultAsync(ct);
        if (version is null)
        {
            return (null, new PatchError(404, "There is no such version.", $"Only the newest {MaxVersions} versions are kept."));
        }
        var s = target.Summary;
        return await SaveVersionAsync(me, target, s.Name, s.Description, target.Visibility, version.Document, version.NodeCount, checkpoint: true, ct);
    }

    /// <summary>The stored document and the slug its file is named after.</summary>
    public async Task<(string Slug, string Document)?> ExportAsync(Guid? me, Guid id, CancellationToken ct) =>
        await Readable(me).AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Slug, p.Document }).SingleOrDefaultAsync(ct) is { } row
            ? (row.Slug, row.Document) : null;

    private static void AddDocumentErrors(PatchCheck check, Dictionary<string, string[]> errors, string prefix = "document.")
    {
        foreach (var (path, messages) in check.Errors)
        {
            errors[path == "document" ? "document" : prefix + path] = messages;
        }
    }

    private static string? Name(string? name, Dictionary<string, string[]> errors, string field = "name")
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > PatchLimits.MaxName)
        {
            errors[field] = [$"{field}: a patch needs a name of 1–{PatchLimits.MaxName} characters."];
            return null;
        }
        return trimmed;
    }

    private static string Description(string? description, Dictionary<string, string[]> errors)
    {
        var text = description?.Trim() ?? "";
        if (text.Length > PatchLimits.MaxDescription)
        {
            errors["description"] = [$"description: at most {PatchLimits.MaxDescription} characters."];
        }
        return text;
    }

    private static PatchVisibility Visibility(string? value, PatchVisibility fallback, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return fallback;
        }
        if (Enum.TryParse<PatchVisibility>(value, ignoreCase: true, out var v) && Enum.IsDefined(v) && !int.TryParse(value, out _))
        {
            return v;
        }
        errors["visibility"] = ["visibility: must be private, unlisted or public."];
        return fallback;
    }

    private static string Clip(string s, int length) => s.Length <= length ? s : s[..length];
}
