using AccountMetadata.Api;
using AccountMetadata.Api.Operators;
using AccountMetadata.Silo.Pipeline;
using AccountMetadata.Silo.Hosting;
using Microsoft.AspNetCore.Http;
using Orleans.Dashboard;

var builder = WebApplication.CreateSlimBuilder(args);
var logBuffer = new PipelineLogBuffer();
builder.Logging.AddProvider(logBuffer);
builder.Services.AddSingleton(logBuffer);
// The silo first: hosted services start in registration order, and the ones below need its storage's table.
builder.UseOrleans(silo => silo.ConfigureAccountMetadataSilo(builder.Configuration, builder.Environment));
builder.Services.AddAccountMetadataSilo(builder.Configuration);
builder.Services.AddOperatorAuthentication();
builder.Services.AddAccountMetadataTelemetry(builder.Configuration);
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, SiloJsonContext.Default);
    json.SerializerOptions.TypeInfoResolverChain.Insert(1, AccountMetadata.Api.Json.ApiJson.TypeInfoResolver);
});
builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = FailureProblems.Describe);

// Stopping drains ingestion, then the silo deactivates grains (each waiting for its writes) and flushes. Past this bound the
// process exits anyway: what was not flushed was never committed either, so the next owner replays it.
builder.Services.Configure<HostOptions>(host =>
    host.ShutdownTimeout = builder.Configuration.GetValue("Hosting:ShutdownTimeout", TimeSpan.FromSeconds(12)));

var app = builder.Build();
DeploymentProfile.Enforce(app.Environment, app.Configuration, app.Services.GetRequiredService<ApiOptions>());
app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = FailureProblems.StatusCodeOf });
app.UseStatusCodePages();
app.UseOperatorAuthentication();
app.UseMiddleware<DashboardPipelineLink>();
app.MapSiloEndpoints();
var apiOptions = app.Services.GetRequiredService<ApiOptions>();
app.MapAccountEndpoints(apiOptions);
app.MapFeatureEndpoints(apiOptions);
app.MapSchemaEndpoints(apiOptions);
app.MapOperatorSignIn(apiOptions);
app.MapOrleansDashboard(routePrefix: "/dashboard").RequireOperator();
app.MapPipelineView();
if (app.Configuration.GetValue<bool>(DirectReadBaseline.SettingName))
{
    app.MapDirectReadBaseline();
}
try
{
    await app.RunAsync().ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    // The host gave up waiting for the stop (Hosting:ShutdownTimeout). Nothing is lost: what was not flushed was
    // not committed either, and the partitions' next owner replays it. Say so, and exit non-zero without a dump.
    SiloLog.ShutdownTimedOut(app.Logger);
    Environment.ExitCode = 1;
}

/// <summary>The silo host; public for the integration tests' WebApplicationFactory.</summary>
public partial class Program;
