using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccountMetadata.Silo.Dashboard;

/// <summary>Source-generated JSON for the dashboard's API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DashboardSnapshot))]
[JsonSerializable(typeof(IReadOnlyList<SeriesPoint>))]
[JsonSerializable(typeof(IReadOnlyList<LogEntry>))]
[JsonSerializable(typeof(AccountInspectionView))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
