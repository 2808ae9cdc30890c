using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Atelier.Platform.Data;

/// <summary>
/// Keeps the data-protection key ring (cookies, antiforgery) in the database so every instance behind a proxy
/// can read what another wrote.
/// </summary>
internal sealed class DbXmlRepository(IDbContextFactory<AppDb> factory) : IXmlRepository
{
    private const string Prefix = "dataprotection:";

    // The interface is synchronous; data protection calls it rarely (key ring refresh), off the request path.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = factory.CreateDbContext();
        return db.Keys.AsNoTracking().Where(k => k.Name.StartsWith(Prefix)).Select(k => k.Value)
            .AsEnumerable().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = factory.CreateDbContext();
        db.Keys.Add(new StoredKey
        {
            Name = Prefix + friendlyName,
            Value = element.ToString(SaveOptions.DisableFormatting),
            CreatedAt = DateTime.UtcNow,
        });
        db.SaveChanges();
    }
}
