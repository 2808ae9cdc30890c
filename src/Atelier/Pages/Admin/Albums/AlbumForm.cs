using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Atelier.Features.Media;

namespace Atelier.Pages.Admin.Albums;

/// <summary>The fields of an album in the admin forms (new and edit).</summary>
public sealed class AlbumForm
{
    [Required(ErrorMessage = "A title is required."), MaxLength(AlbumStore.MaxTitle), RegularExpression(@".*\S.*", ErrorMessage = "A title is required.")]
    public string Title { get; set; } = "";

    /// <summary>Optional when creating: made from the title.</summary>
    [MaxLength(AlbumStore.MaxSlug)]
    public string? Slug { get; set; }

    [MaxLength(AlbumStore.MaxDescription)]
    public string? Description { get; set; }

    [Required, AllowedValues("Public", "Private")]
    public string Visibility { get; set; } = nameof(MediaVisibility.Public);

    internal AlbumEdit ToEdit() =>
        new(Title, Slug, Description ?? "", Enum.Parse<MediaVisibility>(Visibility));

    /// <summary>Puts a refusal of the album store next to the field it names.</summary>
    internal static void AddError(ModelStateDictionary state, AlbumProblem problem)
    {
        var field = problem.Field switch
        {
            "title" => "Input.Title",
            "slug" => "Input.Slug",
            "description" => "Input.Description",
            "visibility" => "Input.Visibility",
            _ => "",
        };
        state.AddModelError(field, problem.Message);
    }
}
