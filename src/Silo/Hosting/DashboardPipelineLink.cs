using System.Text;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// A link from the Orleans Dashboard's page to the pipeline view (the other way is in the pipeline view's header).
/// The dashboard has no extension point for its own menu, so its HTML page, small and served from its assets, gets
/// one fixed link added before <c>&lt;/body&gt;</c>; everything else it serves passes untouched.
/// </summary>
public sealed class DashboardPipelineLink(RequestDelegate next)
{
    private const string Link = """<a id="pipeline-view-link" href="/pipeline" style="position:fixed;right:1rem;bottom:1rem;z-index:9999;padding:.45rem .8rem;border-radius:6px;background:#4fb3ff;color:#001524 !important;font:600 14px system-ui,sans-serif;text-decoration:none;box-shadow:0 1px 4px #0005">Pipeline view</a>""";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Every request passes here: only the dashboard's page pays for an async method.
        return HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value is ("/dashboard/" or "/dashboard/index.html")
            ? AddLinkAsync(context)
            : next(context);
    }

    private async Task AddLinkAsync(HttpContext context)
    {
        // The dashboard gzips its assets for clients that accept it; this page is wanted as plain text to add the link.
        context.Request.Headers.AcceptEncoding = default;
        context.Request.Headers.IfNoneMatch = default; // its ETag names the page without the link
        var original = context.Response.Body;
        using var page = new MemoryStream();
        context.Response.Body = page;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        var body = page.ToArray();
        if (context.Response.StatusCode == StatusCodes.Status200OK
            && context.Response.Headers.ContentEncoding.Count == 0
            && context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(body);
            var end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
            body = Encoding.UTF8.GetBytes(end < 0 ? html + Link : html.Insert(end, Link));
            context.Response.ContentLength = body.Length;
            context.Response.Headers.ETag = default; // the page is no longer the asset the tag names
        }

        await original.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
