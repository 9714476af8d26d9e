import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { getDemoLink } from "../data/demo-store";

const demo = newRouter();

demo.openapi(
  createRoute({
    method: "get",
    path: "/api/demo",
    operationId: "getDemoLink",
    security: [],
    tags: ["meta"],
    summary: "The demo workspace's read-only link, when `npm start` loaded one (null otherwise)",
    responses: {
      200: {
        description: "The demo link",
        content: {
          "application/json": {
            schema: z.object({
              link: z.string().nullable().openapi({ description: "A UI link with a viewer token: #/w/<id>?token=<token>" }),
            }),
          },
        },
      },
    },
  }),
  async (c) => {
    const d = await getDemoLink(c.env);
    return c.json({ link: d ? `#/w/${d.workspaceId}?token=${d.viewerToken}` : null }, 200);
  },
);

export default demo;
