using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Atelier.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "An unexpected error occurred. Please try again.";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        var status = code ?? 500;
        (Title, Message) = status switch
        {
            404 => ("Page not found", "There is nothing at this address."),
            403 => ("Not allowed", "You do not have access to this page."),
            400 => ("Bad request", "The request could not be understood."),
            429 => ("Slow down", "Too many requests. Please wait a moment and try again."),
            _ => (Title, Message),
        };
        Response.StatusCode = status is >= 400 and < 600 ? status : 500;
    }
}
