using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TypedAccountChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A pending change lives as long as its question (minutes), and each confirmed one is already in the
            // authorization log with what was confirmed; rows in the old untyped shape are dropped, and an
            // unanswered change is simply asked for again.
            migrationBuilder.Sql(@"DELETE FROM ""PendingAccountChanges"";");

            // SQLite drops a column in place (3.35+), inside the migration's transaction; EF's DropColumn would rebuild
            // the table with foreign keys switched off, outside any transaction.
            migrationBuilder.Sql(@"ALTER TABLE ""PendingAccountChanges"" DROP COLUMN ""Argument"";");

            migrationBuilder.Sql(@"ALTER TABLE ""PendingAccountChanges"" DROP COLUMN ""Kind"";");

            migrationBuilder.Sql(@"ALTER TABLE ""PendingAccountChanges"" DROP COLUMN ""SecondArgument"";");

            migrationBuilder.AddColumn<string>(
                name: "Payload",
                table: "PendingAccountChanges",
                type: "TEXT",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Payload",
                table: "PendingAccountChanges");

            migrationBuilder.AddColumn<string>(
                name: "Argument",
                table: "PendingAccountChanges",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "PendingAccountChanges",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SecondArgument",
                table: "PendingAccountChanges",
                type: "TEXT",
                maxLength: 300,
                nullable: true);
        }
    }
}
