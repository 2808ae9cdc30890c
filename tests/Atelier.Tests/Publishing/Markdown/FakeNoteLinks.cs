using Atelier.Features.Publishing.Markdown;

namespace Atelier.Tests.Publishing.Markdown;

/// <summary>A small vault: notes by name, path or alias (case-insensitive), attachments by file name.</summary>
internal sealed class FakeNoteLinks : INoteLinks
{
    private readonly Dictionary<string, NoteTarget> _notes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _sources = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, AssetTarget> _assets = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Loaded { get; } = [];

    public FakeNoteLinks Note(string path, string? url, string? source = null, params string[] aliases)
    {
        var name = path.Contains('/', StringComparison.Ordinal) ? path[(path.LastIndexOf('/') + 1)..] : path;
        var note = new NoteTarget(path.ToLowerInvariant(), name, url);
        _notes[name] = note;
        _notes[path] = note;
        foreach (var alias in aliases)
        {
            _notes[alias] = note;
        }

        if (source is not null)
        {
            _sources[note.Key] = source;
        }

        return this;
    }

    public FakeNoteLinks Asset(string name, AssetKind kind)
    {
        _assets[name] = new AssetTarget(name, "/media/" + name, kind);
        return this;
    }

    public NoteTarget? ResolveNote(string target) => _notes.GetValueOrDefault(target);

    public AssetTarget? ResolveAsset(string target) => _assets.GetValueOrDefault(target);

    public string? LoadSource(NoteTarget note)
    {
        Loaded.Add(note.Key);
        return _sources.GetValueOrDefault(note.Key);
    }
}
