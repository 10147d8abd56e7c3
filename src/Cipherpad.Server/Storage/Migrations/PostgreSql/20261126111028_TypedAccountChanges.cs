using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.PostgreSql
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

            migrationBuilder.DropColumn(
                name: "Argument",
                table: "PendingAccountChanges");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "PendingAccountChanges");

            migrationBuilder.DropColumn(
                name: "SecondArgument",
                table: "PendingAccountChanges");

            migrationBuilder.AddColumn<string>(
                name: "Payload",
                table: "PendingAccountChanges",
                type: "character varying(2000)",
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
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "PendingAccountChanges",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SecondArgument",
                table: "PendingAccountChanges",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);
        }
    }
}
