using System.Text;
using AccountMetadata.Grains;

namespace AccountMetadata.Tests.Grains;

/// <summary>The compact snapshot: values round-trip exactly, snapshots are immutable, layouts are shared.</summary>
public sealed class NamespaceFeaturesTests
{
    [Fact]
    public void Values_timestamps_and_names_round_trip_including_non_ascii_and_empty_values()
    {
        var builder = NamespaceFeatures.Empty("preferences").ToBuilder();
        builder.Add("cuisine", "feijão tropeiro 🍲", 10);
        builder.Add("note", string.Empty, -5);
        builder.Add("language", "pt-BR", long.MaxValue);
        var features = builder.Build(123);

        Assert.Equal(3, features.Count);
        Assert.Equal(("cuisine", "feijão tropeiro 🍲", 10L), (features.NameAt(0), features.ValueAt(0), features.TimestampAt(0)));
        Assert.Equal(("note", string.Empty, -5L), (features.NameAt(1), features.ValueAt(1), features.TimestampAt(1)));
        Assert.Equal(("language", "pt-BR", long.MaxValue), (features.NameAt(2), features.ValueAt(2), features.TimestampAt(2)));
        Assert.True(features.ValueUtf8At(0).SequenceEqual(Encoding.UTF8.GetBytes("feijão tropeiro 🍲")));
        Assert.True(features.ValueEquals(0, "feijão tropeiro 🍲"));
        Assert.False(features.ValueEquals(0, "feijão tropeiro"));
        Assert.Equal(123, features.UpdatedAt);
    }

    [Fact]
    public void Building_the_next_snapshot_leaves_the_previous_one_untouched()
    {
        var first = Build(("total_orders", "1", 1), ("tier", "gold", 1));
        var builder = first.ToBuilder();
        builder.Set(builder.IndexOf("total_orders"), "2", 2);
        var second = builder.Build(2);

        Assert.Equal("1", first.ValueAt(0));
        Assert.Equal("2", second.ValueAt(0));
        Assert.Equal("gold", second.ValueAt(1));
    }

    [Fact]
    public void Snapshots_with_the_same_features_share_one_names_array()
    {
        var a = Build(("total_orders", "1", 1), ("tier", "gold", 1));
        var b = Build(("total_orders", "7", 3), ("tier", "silver", 4));

        Assert.Same(a.Names, b.Names);
        Assert.Equal(a.DataBytes - 5 + 7, b.DataBytes); // only the values differ: "1"+"gold" vs "7"+"silver"

        var updated = a.ToBuilder();
        updated.Set(0, "9", 9);
        Assert.Same(a.Names, updated.Build(9).Names); // an update keeps the layout without even looking it up

        var other = Build(("tier", "gold", 1), ("total_orders", "1", 1));
        Assert.NotSame(a.Names, other.Names); // another order is another layout
    }

    private static NamespaceFeatures Build(params (string Name, string Value, long Timestamp)[] features)
    {
        var builder = NamespaceFeatures.Empty("orders").ToBuilder();
        foreach (var (name, value, timestamp) in features)
        {
            builder.Add(name, value, timestamp);
        }

        return builder.Build(1);
    }
}
