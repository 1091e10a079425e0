using AccountMetadata.Api;
using AccountMetadata.Runtime;
using AccountMetadata.Silo.Dashboard;
using AccountMetadata.Silo.Hosting;
using AccountMetadata.Silo.Runtime;
using Microsoft.AspNetCore.Http;

var builder = WebApplication.CreateSlimBuilder(args);
var logBuffer = new DashboardLogBuffer();
builder.Logging.AddProvider(logBuffer);
builder.Services.AddSingleton(logBuffer);
builder.Services.AddAccountMetadataSilo(builder.Configuration);
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, SiloJsonContext.Default);
    json.SerializerOptions.TypeInfoResolverChain.Insert(1, AccountMetadata.Api.Json.ApiJson.TypeInfoResolver);
});
builder.Services.AddProblemDetails();

// Stopping drains ingestion, deactivates grains (each waiting for its writes) and flushes: give it room.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(90));

var app = builder.Build();
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = exception => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode, // 413 for bodies over the limit, 400 for malformed requests
        GrainActivationException => StatusCodes.Status503ServiceUnavailable, // storage unreachable while loading
        Confluent.Kafka.KafkaException => StatusCodes.Status503ServiceUnavailable, // the broker did not take a write
        _ => StatusCodes.Status500InternalServerError,
    },
});
app.UseStatusCodePages();
app.UseMiddleware<HttpMetricsMiddleware>();
app.MapSiloEndpoints();
var apiOptions = app.Services.GetRequiredService<ApiOptions>();
app.MapAccountEndpoints(apiOptions);
app.MapFeatureEndpoints(apiOptions);
app.MapSchemaEndpoints(apiOptions);
app.MapDashboard(apiOptions);
if (app.Configuration.GetValue<bool>(DirectReadBaseline.SettingName))
{
    app.MapDirectReadBaseline();
}
await app.RunAsync().ConfigureAwait(false);

/// <summary>The silo host; public for the integration tests' WebApplicationFactory.</summary>
public partial class Program;
