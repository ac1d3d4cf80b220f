/** The baseline's only activity: does nothing, like the generated Weir task bodies. */
export const baselineActivities = {
  async noop(): Promise<null> {
    return null;
  },
};

export type BaselineActivities = typeof baselineActivities;
