using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Atelier.Platform.Http;

/// <summary>Document metadata, the bearer scheme, and a security requirement on every operation that needs sign-in.</summary>
internal sealed class OpenApiSetup : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Atelier API";
        document.Info.Version = "v1";
        document.Info.Description = "Every capability of Atelier. Errors are RFC 9457 problem details; lists are keyset-paged with `cursor` and `limit` (at most 100).";
        document.Info.License = new OpenApiLicense { Name = "AGPL-3.0-or-later", Identifier = "AGPL-3.0-or-later" };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The accessToken from POST /api/v1/auth/login.",
        };

        var secured = context.DescriptionGroups.SelectMany(g => g.Items)
            .Where(d => d.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any()
                && !d.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
            .Select(d => (Path: "/" + d.RelativePath?.Split('?')[0].TrimEnd('/'), Method: d.HttpMethod))
            .ToHashSet();
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (secured.Contains((path.TrimEnd('/'), method.Method)))
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
                }
            }
        }
        return Task.CompletedTask;
    }
}
