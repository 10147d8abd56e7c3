using Cipherpad.Testing;

namespace Cipherpad.Server.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresDatabaseGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
