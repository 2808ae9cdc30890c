using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Pages.Chat;

/// <summary><c>/chat</c>: the messenger's web app (React, web/src/chat), with a bearer token for the API and the hub.</summary>
internal sealed class IndexModel(AppDb db, TokenService tokens, IOptions<AtelierOptions> options) : AppShellPageModel(db, tokens, options);
