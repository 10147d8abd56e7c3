using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PadApproval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ApprovesSince",
                table: "Devices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MatchNumber",
                table: "Challenges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PushHourlyQuotas",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Sent = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushHourlyQuotas", x => new { x.AccountId, x.Hour });
                });

            migrationBuilder.CreateIndex(
                name: "IX_PushHourlyQuotas_Hour",
                table: "PushHourlyQuotas",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PushHourlyQuotas");

            migrationBuilder.DropColumn(
                name: "ApprovesSince",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "MatchNumber",
                table: "Challenges");
        }
    }
}
