using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Pages.Studio;

/// <summary>
/// <c>/studio</c> and <c>/studio/{id}</c>: the node-graph editor (React, web/src/studio), opening that patch when an id
/// is given, with a bearer token for the patches API and the studio hub.
/// </summary>
internal sealed class IndexModel(AppDb db, TokenService tokens, IOptions<AtelierOptions> options) : AppShellPageModel(db, tokens, options)
{
    /// <summary>The patch to open; the editor checks it exists and says so when it does not (or is private).</summary>
    [FromRoute]
    public Guid? Id { get; set; }
}
