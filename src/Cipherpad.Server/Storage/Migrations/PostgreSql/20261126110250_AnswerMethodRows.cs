using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.PostgreSql
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
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    Method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    ChangedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountMethods", x => new { x.AccountId, x.Method });
                });

            // Each method switched on becomes a row of its own, dated when the methods were chosen.
            migrationBuilder.Sql(@"INSERT INTO ""AccountMethods"" (""AccountId"", ""Method"", ""State"", ""ChangedAt"")
                SELECT ""Id"", 'app', 'On', COALESCE(""MethodsChosenAt"", ""CreatedAt"") FROM ""Accounts"" WHERE ""AppMethodEnabled"" = TRUE;");
            migrationBuilder.Sql(@"INSERT INTO ""AccountMethods"" (""AccountId"", ""Method"", ""State"", ""ChangedAt"")
                SELECT ""Id"", 'sms', 'On', COALESCE(""MethodsChosenAt"", ""CreatedAt"") FROM ""Accounts"" WHERE ""SmsMethodEnabled"" = TRUE;");

            migrationBuilder.DropColumn(
                name: "AppMethodEnabled",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "SmsMethodEnabled",
                table: "Accounts");

            migrationBuilder.RenameColumn(
                name: "SmsAnswerProtected",
                table: "Challenges",
                newName: "AnswerProtected");

            migrationBuilder.AlterColumn<string>(
                name: "Method",
                table: "Challenges",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(8)",
                oldMaxLength: 8);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "AnswerProtected",
                table: "Challenges",
                newName: "SmsAnswerProtected");

            migrationBuilder.AlterColumn<string>(
                name: "Method",
                table: "Challenges",
                type: "character varying(8)",
                maxLength: 8,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(16)",
                oldMaxLength: 16);

            migrationBuilder.AddColumn<bool>(
                name: "AppMethodEnabled",
                table: "Accounts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "SmsMethodEnabled",
                table: "Accounts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql(@"UPDATE ""Accounts"" SET ""AppMethodEnabled"" = TRUE WHERE ""Id"" IN (SELECT ""AccountId"" FROM ""AccountMethods"" WHERE ""Method"" = 'app' AND ""State"" = 'On');");
            migrationBuilder.Sql(@"UPDATE ""Accounts"" SET ""SmsMethodEnabled"" = TRUE WHERE ""Id"" IN (SELECT ""AccountId"" FROM ""AccountMethods"" WHERE ""Method"" = 'sms' AND ""State"" = 'On');");

            migrationBuilder.DropTable(
                name: "AccountMethods");
        }
    }
}
