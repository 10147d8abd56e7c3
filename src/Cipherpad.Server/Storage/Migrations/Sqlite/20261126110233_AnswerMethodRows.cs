using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AnswerMethodRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccountMethods",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountMethods", x => new { x.AccountId, x.Method });
                });

            // Each method switched on becomes a row of its own, dated when the methods were chosen.
            migrationBuilder.Sql(@"INSERT INTO ""AccountMethods"" (""AccountId"", ""Method"", ""State"", ""ChangedAt"")
                SELECT ""Id"", 'app', 'On', COALESCE(""MethodsChosenAt"", ""CreatedAt"") FROM ""Accounts"" WHERE ""AppMethodEnabled"" = 1;");
            migrationBuilder.Sql(@"INSERT INTO ""AccountMethods"" (""AccountId"", ""Method"", ""State"", ""ChangedAt"")
                SELECT ""Id"", 'sms', 'On', COALESCE(""MethodsChosenAt"", ""CreatedAt"") FROM ""Accounts"" WHERE ""SmsMethodEnabled"" = 1;");

            // SQLite drops a column in place (3.35+), inside the migration's transaction; EF's DropColumn would rebuild
            // the table with foreign keys switched off, outside any transaction.
            migrationBuilder.Sql(@"ALTER TABLE ""Accounts"" DROP COLUMN ""AppMethodEnabled"";");

            migrationBuilder.Sql(@"ALTER TABLE ""Accounts"" DROP COLUMN ""SmsMethodEnabled"";");

            migrationBuilder.RenameColumn(
                name: "SmsAnswerProtected",
                table: "Challenges",
                newName: "AnswerProtected");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "AnswerProtected",
                table: "Challenges",
                newName: "SmsAnswerProtected");

            migrationBuilder.AddColumn<bool>(
                name: "AppMethodEnabled",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "SmsMethodEnabled",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql(@"UPDATE ""Accounts"" SET ""AppMethodEnabled"" = 1 WHERE ""Id"" IN (SELECT ""AccountId"" FROM ""AccountMethods"" WHERE ""Method"" = 'app' AND ""State"" = 'On');");
            migrationBuilder.Sql(@"UPDATE ""Accounts"" SET ""SmsMethodEnabled"" = 1 WHERE ""Id"" IN (SELECT ""AccountId"" FROM ""AccountMethods"" WHERE ""Method"" = 'sms' AND ""State"" = 'On');");

            migrationBuilder.DropTable(
                name: "AccountMethods");
        }
    }
}
