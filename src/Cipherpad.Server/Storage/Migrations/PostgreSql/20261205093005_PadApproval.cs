using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.PostgreSql
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
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MatchNumber",
                table: "Challenges",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PushHourlyQuotas",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    Sent = table.Column<int>(type: "integer", nullable: false)
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
