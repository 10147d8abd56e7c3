using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PushQuestionsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Challenges_AccountId_CreatedAt",
                table: "Challenges");

            migrationBuilder.CreateIndex(
                name: "IX_Challenges_AccountId_CreatedAt",
                table: "Challenges",
                columns: new[] { "AccountId", "CreatedAt" },
                filter: "\"Method\" = 'push'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Challenges_AccountId_CreatedAt",
                table: "Challenges");

            migrationBuilder.CreateIndex(
                name: "IX_Challenges_AccountId_CreatedAt",
                table: "Challenges",
                columns: new[] { "AccountId", "CreatedAt" });
        }
    }
}
