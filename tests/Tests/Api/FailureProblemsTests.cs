using AccountMetadata.Silo.Hosting;
using Microsoft.AspNetCore.Http;
using Orleans.Runtime;

namespace AccountMetadata.Tests.Api;

/// <summary>What an exception escaping an endpoint is answered with: retryable failures are 503, the rest 500.</summary>
public sealed class FailureProblemsTests
{
    public static TheoryData<Exception, int> Failures => new()
    {
        // A silo leaving the cluster: its directory has not moved on yet (the read was already made again).
        { new SiloUnavailableException("silo S127.0.0.1:11111 is shutting down"), StatusCodes.Status503ServiceUnavailable },
        { new TimeoutException("response did not arrive on time"), StatusCodes.Status503ServiceUnavailable },

        // What Orleans throws when a call waited for placement past its expiry (a rolling restart on a loaded box).
        { new OperationCanceledException("Message expired before placement could complete for grain account/drill-9."), StatusCodes.Status503ServiceUnavailable },
        { new InvalidOperationException("a bug"), StatusCodes.Status500InternalServerError },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_failure_gets_the_status_that_tells_the_client_whether_to_retry(Exception failure, int status) =>
        Assert.Equal(status, FailureProblems.StatusCodeOf(failure));
}
