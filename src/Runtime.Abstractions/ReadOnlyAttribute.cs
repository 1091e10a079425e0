namespace AccountMetadata.Runtime;

/// <summary>
/// Marks a grain method that does not change the grain's state: read-only calls to one activation may run
/// concurrently with each other, never with a writing call (Orleans' <c>[ReadOnly]</c>). The grain reference
/// carries the same flag in its <see cref="GrainMethod"/>; a test checks the two agree.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class ReadOnlyAttribute : Attribute;
