using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SmsAnswersFeesConfirmAll : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Method",
                table: "Challenges",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<byte[]>(
                name: "SmsAnswerProtected",
                table: "Challenges",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ConfirmAllOperations",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "FeeLedger",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChallengeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    MinorUnits = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeeLedger", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SmsQuotas",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    Sent = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmsQuotas", x => new { x.AccountId, x.Day });
                });

            migrationBuilder.CreateIndex(
                name: "IX_FeeLedger_AccountId_At",
                table: "FeeLedger",
                columns: new[] { "AccountId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FeeLedger");

            migrationBuilder.DropTable(
                name: "SmsQuotas");

            migrationBuilder.DropColumn(
                name: "Method",
                table: "Challenges");

            migrationBuilder.DropColumn(
                name: "SmsAnswerProtected",
                table: "Challenges");

            migrationBuilder.DropColumn(
                name: "ConfirmAllOperations",
                table: "Accounts");
        }
    }
}
