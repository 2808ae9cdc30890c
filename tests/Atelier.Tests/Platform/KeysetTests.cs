using Atelier.Platform.Http;

namespace Atelier.Tests.Platform;

public sealed class KeysetTests
{
    [Fact]
    public void Cursor_RoundTripsKeyAndId()
    {
        var key = new DateTime(2026, 11, 21, 19, 42, 1, 123, DateTimeKind.Utc).AddTicks(4567);
        var id = Guid.CreateVersion7();
        Keyset.TryDecode(Keyset.Encode(key, id), out var k, out var i).ShouldBeTrue();
        k.ShouldBe(key);
        k.Kind.ShouldBe(DateTimeKind.Utc);
        i.ShouldBe(id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("%%%")]
    [InlineData("bm90LWEtY3Vyc29y")] // "not-a-cursor"
    [InlineData("LTE6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA")] // negative ticks
    public void Garbage_IsRejected(string? cursor) => Keyset.TryDecode(cursor, out _, out _).ShouldBeFalse();

    [Fact]
    public void ToPage_UsesTheExtraRowOnlyToSayThereIsMore()
    {
        var t = DateTime.UtcNow;
        var rows = Enumerable.Range(0, 4).Select(n => (Key: t.AddSeconds(n), Id: Guid.CreateVersion7())).ToList();
        var page = Keyset.ToPage(rows.ToList(), 3, r => (r.Key, r.Id));
        page.Items.Count.ShouldBe(3);
        Keyset.TryDecode(page.NextCursor, out var key, out var id).ShouldBeTrue();
        (key, id).ShouldBe((rows[2].Key, rows[2].Id));

        var last = Keyset.ToPage(rows.Take(3).ToList(), 3, r => (r.Key, r.Id));
        last.Items.Count.ShouldBe(3);
        last.NextCursor.ShouldBeNull();
    }
}
