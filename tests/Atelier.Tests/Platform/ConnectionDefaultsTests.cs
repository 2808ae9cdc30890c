using Npgsql;
using Atelier.Platform.Data;

namespace Atelier.Tests.Platform;

/// <summary>Atelier's PostgreSQL defaults apply unless the administrator's connection string sets them.</summary>
public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void StatementsArePreparedOnTheServer_ByDefault()
    {
        var cs = new NpgsqlConnectionStringBuilder(DataExtensions.WithDefaults("Host=db.example;Username=atelier;Password=secret"));
        cs.MaxAutoPrepare.ShouldBe(64);
        (cs.Host, cs.Username, cs.Password).ShouldBe(("db.example", "atelier", "secret"));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;max auto prepare=0")]
    [InlineData("Host=db;MaxAutoPrepare=0")]
    public void AnExplicitSetting_Wins(string connectionString) =>
        new NpgsqlConnectionStringBuilder(DataExtensions.WithDefaults(connectionString)).MaxAutoPrepare.ShouldBe(0);
}
