using AccountMetadata.Persistence.DynamoDB;

namespace AccountMetadata.Tests.Storage;

/// <summary>
/// When waiting account loads may start a BatchGetItem request: a full request whenever a slot is free, a partial one
/// only when nothing is in flight (so loads that trickle in share requests instead of filling every slot one by one).
/// </summary>
public sealed class AccountLoadBatchingRuleTests
{
    private const int AccountsPerRequest = 25;
    private const int Slots = 8;

    [Fact]
    public void A_lonely_load_goes_at_once_when_nothing_is_in_flight() =>
        Assert.True(AccountLoader.MaySend(waiting: 1, AccountsPerRequest, batchesInFlight: 0, Slots));

    [Fact]
    public void A_partial_request_waits_behind_one_in_flight() =>
        Assert.False(AccountLoader.MaySend(waiting: AccountsPerRequest - 1, AccountsPerRequest, batchesInFlight: 1, Slots));

    [Fact]
    public void A_full_request_goes_beside_those_in_flight() =>
        Assert.True(AccountLoader.MaySend(waiting: AccountsPerRequest, AccountsPerRequest, batchesInFlight: Slots - 1, Slots));

    [Fact]
    public void Nothing_goes_when_every_slot_is_taken() =>
        Assert.False(AccountLoader.MaySend(waiting: 10 * AccountsPerRequest, AccountsPerRequest, batchesInFlight: Slots, Slots));

    [Fact]
    public void Nothing_goes_when_nothing_waits() =>
        Assert.False(AccountLoader.MaySend(waiting: 0, AccountsPerRequest, batchesInFlight: 0, Slots));
}
