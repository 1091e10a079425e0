using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AccountMetadata.Api.Results;

/// <summary>
/// A 200 JSON response written with a per-thread reused <see cref="Utf8JsonWriter"/> straight into the response
/// pipe: the read path's only allocations are the grain call and what Kestrel itself needs.
/// </summary>
internal abstract class JsonBodyResult : IResult
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var writer = t_writer ??= new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(response.BodyWriter);
        try
        {
            Write(writer);
            writer.Flush();
        }
        finally
        {
            writer.Reset(Stream.Null);
        }

        var flushing = response.BodyWriter.FlushAsync();
        return flushing.IsCompletedSuccessfully ? Task.CompletedTask : flushing.AsTask();
    }

    protected abstract void Write(Utf8JsonWriter writer);
}
