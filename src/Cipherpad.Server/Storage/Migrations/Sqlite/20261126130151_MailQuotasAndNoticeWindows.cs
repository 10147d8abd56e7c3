using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MailQuotasAndNoticeWindows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MailQuotas",
                columns: table => new
                {
                    Recipient = table.Column<string>(type: "TEXT", maxLength: 340, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Sent = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailQuotas", x => new { x.Recipient, x.Kind, x.Hour });
                });

            migrationBuilder.CreateTable(
                name: "NoticeWindows",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Events = table.Column<int>(type: "INTEGER", nullable: false),
                    PreviousStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PreviousEvents = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NoticeWindows", x => new { x.AccountId, x.Kind });
                });

            migrationBuilder.CreateIndex(
                name: "IX_MailQuotas_Hour",
                table: "MailQuotas",
                column: "Hour");

            migrationBuilder.CreateIndex(
                name: "IX_NoticeWindows_StartedAt",
                table: "NoticeWindows",
                column: "StartedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MailQuotas");

            migrationBuilder.DropTable(
                name: "NoticeWindows");
        }
    }
}
